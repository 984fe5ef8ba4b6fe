using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>The outcome of <see cref="JsonBody.ReadAsync{T}"/>: a value, or the Auth0 error to answer with.</summary>
public readonly record struct JsonBodyResult<T>(T? Value, IResult? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Reads a Management API write body the way Auth0 checks it, for endpoints to share:
/// <code>
/// JsonBodyResult&lt;PatchClient&gt; body = await JsonBody.ReadAsync&lt;PatchClient&gt;(context);
/// if (body.Error is not null) { return body.Error; }
/// </code>
/// Content type other than application/json (any charset; +json suffixes) gives 415; an empty body,
/// malformed JSON or a value of the wrong type gives 400 <c>invalid_body</c> "Invalid request payload
/// JSON format"; with <paramref name="disallowUnknownFields"/> a property that T does not declare
/// gives 400 "Payload validation error: 'Additional properties not allowed: NAME'."; a body over
/// 1 MB gives 413 (enforced by the server while reading, so the body is never buffered whole).
/// The messages never contain the body's content.
/// </summary>
public static class JsonBody
{
    public const string MalformedMessage = "Invalid request payload JSON format";

    private static readonly JsonSerializerOptions Lenient = new(JsonSerializerDefaults.Web);

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static async Task<JsonBodyResult<T>> ReadAsync<T>(HttpContext context, bool disallowUnknownFields = true, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsJson(context.Request.ContentType))
        {
            return Fail<T>(415, "Unsupported Media Type", "unsupported_media_type");
        }

        options ??= disallowUnknownFields ? Strict : Lenient;
        try
        {
            T? value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, options, context.RequestAborted);
            return value is null ? Fail<T>(400, MalformedMessage, "invalid_body") : new JsonBodyResult<T>(value, null);
        }
        catch (JsonException ex) when (UnknownProperty(ex) is string name)
        {
            return Fail<T>(400, $"Payload validation error: 'Additional properties not allowed: {name}'.", "invalid_body");
        }
        catch (JsonException)
        {
            return Fail<T>(400, MalformedMessage, "invalid_body");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail<T>(413, ErrorResponses.TooLargeMessage, "payload_too_large");
        }
    }

    /// <summary>application/json or application/*+json, with any parameters (charset).</summary>
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media) || media.MediaType.Value is not string type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static JsonBodyResult<T> Fail<T>(int status, string message, string errorCode) =>
        new(default, Auth0Error.Result(status, message, errorCode));

    // System.Text.Json reports a disallowed member as "The JSON property 'name' could not be mapped to any .NET member ...".
    // The name is the client's own field name, not a value, so it is safe to echo.
    private static string? UnknownProperty(JsonException ex)
    {
        const string Marker = "The JSON property '";
        string message = ex.Message;
        int start = message.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }

        start += Marker.Length;
        int end = message.IndexOf('\'', start);
        return end > start && end - start <= 100 ? message[start..end] : null;
    }
}
