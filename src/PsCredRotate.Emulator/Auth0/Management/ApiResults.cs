using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Infrastructure;

namespace PsCredRotate.Emulator.Auth0.Management;

/// <summary>A refusal with Auth0's Management API error body; thrown before any state is changed.</summary>
public sealed class ApiError : Exception
{
    public ApiError(int statusCode, string message, string? errorCode = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    public ApiError()
        : this(500, "Internal Server Error")
    {
    }

    public ApiError(string message)
        : this(400, message)
    {
    }

    public ApiError(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 400;
    }

    public int StatusCode { get; }

    public string? ErrorCode { get; }

    public static ApiError BadBody(string message) => new(400, message, "invalid_body");

    public static ApiError ClientNotFound() => new(404, Auth0Messages.ClientNotFound, "inexistent_client");

    public IResult ToResult() => ApiResults.Error(StatusCode, Message, ErrorCode);
}

/// <summary>JSON responses as Auth0 writes them (application/json; charset=utf-8).</summary>
public static class ApiResults
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static IResult Json(JsonNode? node, int statusCode = 200) =>
        Results.Text(node?.ToJsonString() ?? "null", JsonContentType, Encoding.UTF8, statusCode);

    /// <summary>The error body {statusCode, error, message, errorCode}; errorCode left out when Auth0 gives none.</summary>
    public static IResult Error(int statusCode, string message, string? errorCode = null)
    {
        var body = new JsonObject
        {
            ["statusCode"] = statusCode,
            ["error"] = Auth0Error.ReasonPhrase(statusCode),
            ["message"] = message,
        };
        if (errorCode is not null)
        {
            body["errorCode"] = errorCode;
        }

        return Json(body, statusCode);
    }

    /// <summary>
    /// The request body as a JSON object: JSON, or form fields as strings. An empty body or JSON null
    /// is an empty object (the SDKs send "null" on bodiless POSTs).
    /// </summary>
    public static async Task<JsonObject> ReadBodyAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync().ConfigureAwait(false);
            var fromForm = new JsonObject();
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> field in form)
            {
                fromForm[field.Key] = field.Value.ToString();
            }

            return fromForm;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync().ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JsonObject();
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
            // Materialise every object now: a duplicate member name fails here, not later as a 500.
            Materialise(node);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw ApiError.BadBody(Auth0Messages.InvalidJson);
        }

        return node switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            _ => throw ApiError.BadBody("Payload validation error: 'Expected type object but found type " + Kind(node) + "'."),
        };
    }

    private static void Materialise(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (KeyValuePair<string, JsonNode?> p in o)
                {
                    Materialise(p.Value);
                }

                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    Materialise(item);
                }

                break;
        }
    }

    /// <summary>Refuses properties outside <paramref name="allowed"/>, with Auth0's wording.</summary>
    public static void RejectUnknown(JsonObject body, IReadOnlySet<string> allowed)
    {
        foreach (KeyValuePair<string, JsonNode?> property in body)
        {
            if (!allowed.Contains(property.Key))
            {
                throw ApiError.BadBody(Auth0Messages.AdditionalProperties(property.Key));
            }
        }
    }

    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };

    /// <summary>A string property, or null when absent; other types are a validation error.</summary>
    public static string? OptionalString(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out JsonNode? node) || node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            return v.GetValue<string>();
        }

        throw ApiError.BadBody($"Payload validation error: 'Expected type string but found type {Kind(node)}' on property {name}.");
    }

    /// <summary>A boolean property (JSON or form text "true"/"false"); null when absent.</summary>
    public static bool? OptionalBool(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out JsonNode? node) || node is null)
        {
            return null;
        }

        if (node is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.String when v.GetValue<string>() is "true" or "false": return v.GetValue<string>() == "true";
            }
        }

        throw ApiError.BadBody($"Payload validation error: 'Expected type boolean but found type {Kind(node)}' on property {name}.");
    }
}
