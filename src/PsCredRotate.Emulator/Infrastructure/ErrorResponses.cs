using System.Text.Json;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// The error bodies the operations layer writes itself (rate limit, faults, hygiene, unknown
/// routes, unexpected exceptions). The Authentication API (<c>/oauth/*</c>) answers in the OAuth
/// shape <c>{error, error_description}</c>; everything else in Auth0's Management API shape
/// <c>{statusCode, error, message, errorCode}</c>. Messages are fixed texts: never exception text.
/// </summary>
public static class ErrorResponses
{
    /// <summary>Auth0's documented body limit: "All endpoints accept a maximum payload size of 1 megabyte".</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public const string RateLimitMessage = "Global limit has been reached";

    public const string InternalErrorMessage = "An internal server error occurred";

    public const string TooLargeMessage = "Payload content length greater than maximum allowed: 1048576";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True for the Authentication API, whose errors use the OAuth shape.</summary>
    public static bool IsAuthenticationApi(PathString path) => path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase);

    public static bool IsManagementApi(PathString path) => path.StartsWithSegments("/api/v2", StringComparison.OrdinalIgnoreCase);

    public static bool IsAdmin(PathString path) => path.StartsWithSegments("/_emulator", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Auth0 error for a status with no more specific text (faults, empty error responses).</summary>
    public static (string Message, string? ErrorCode) Default(int statusCode) => statusCode switch
    {
        400 => ("Bad Request", "invalid_body"),
        404 => ("Not Found", null),
        413 => (TooLargeMessage, "payload_too_large"),
        415 => ("Unsupported Media Type", "unsupported_media_type"),
        429 => (RateLimitMessage, "too_many_requests"),
        500 => (InternalErrorMessage, null),
        _ => (Auth0Error.ReasonPhrase(statusCode), null),
    };

    /// <summary>Writes the error for <paramref name="statusCode"/> in the shape the request's API uses.</summary>
    public static Task WriteAsync(HttpContext context, int statusCode, string? message = null, string? errorCode = null)
    {
        (string defaultMessage, string? defaultCode) = Default(statusCode);
        message ??= defaultMessage;
        if (Dfns.DfnsErrors.IsDfnsApi(context))
        {
            return Dfns.DfnsErrors.WriteAsync(context, statusCode, message);
        }

        errorCode ??= defaultCode;
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        object body = IsAuthenticationApi(context.Request.Path)
            ? new OAuthError(OAuthErrorCode(statusCode, errorCode), message)
            : new Auth0Error(statusCode, Auth0Error.ReasonPhrase(statusCode), message, errorCode);
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, body.GetType(), Json), context.RequestAborted);
    }

    private static string OAuthErrorCode(int statusCode, string? errorCode) => statusCode switch
    {
        429 => "too_many_requests",
        500 => "server_error",
        503 => "temporarily_unavailable",
        _ => errorCode is "invalid_body" or null ? "invalid_request" : errorCode,
    };
}
