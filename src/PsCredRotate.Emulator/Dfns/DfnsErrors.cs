using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>A refused Dfns call: answered as <c>{"error":{"message":"…"}}</c> with its status.</summary>
public sealed class DfnsApiException : Exception
{
    public DfnsApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public static DfnsApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static DfnsApiException Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, message);

    public static DfnsApiException Forbidden(string message) => new(StatusCodes.Status403Forbidden, message);

    public static DfnsApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static DfnsApiException Conflict(string message) => new(StatusCodes.Status409Conflict, message);

    public IResult ToResult() => DfnsErrors.Result(StatusCode, Message);
}

/// <summary>Dfns's error shape, for the Dfns routes and for the operations layer on Dfns paths.</summary>
public static class DfnsErrors
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True for a Dfns route when the Dfns surface is on (/auth/*, /webhooks*).</summary>
    public static bool IsDfnsApi(HttpContext context) =>
        (context.Request.Path.StartsWithSegments("/auth", StringComparison.Ordinal)
         || context.Request.Path.StartsWithSegments("/webhooks", StringComparison.Ordinal))
        && context.RequestServices.GetService<DfnsContext>() is not null;

    public static IResult Result(int status, string message) =>
        Results.Json(new { error = new { message } }, Json, statusCode: status);

    /// <summary>Writes the error body (used by the operations layer: unknown route, faults, 500s).</summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { message } }, Json), context.RequestAborted);
    }
}
