using System.Text.Json.Serialization;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// Auth0's Management API error body: <c>{"statusCode":400,"error":"Bad Request","message":"...","errorCode":"invalid_body"}</c>.
/// <c>errorCode</c> is left out when null, as Auth0 leaves it out of some errors.
/// The Authentication API (/oauth/token) uses <c>{"error":"...","error_description":"..."}</c> instead: see <see cref="OAuthError"/>.
/// </summary>
public sealed record Auth0Error(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errorCode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorCode)
{
    public static IResult Result(int statusCode, string message, string? errorCode = null) =>
        Results.Json(new Auth0Error(statusCode, ReasonPhrase(statusCode), message, errorCode), statusCode: statusCode);

    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode),
    };
}

/// <summary>OAuth 2.0 error body of the token endpoint (RFC 6749 §5.2).</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription)
{
    public static IResult Result(int statusCode, string error, string description) =>
        Results.Json(new OAuthError(error, description), statusCode: statusCode);
}
