using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>Reading Dfns request bodies: raw bytes (user actions compare them), JSON objects, fields.</summary>
public static class DfnsRequests
{
    public static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>The body as a JSON object; 400 otherwise.</summary>
    public static JsonElement Object(byte[] body)
    {
        try
        {
            JsonElement root = JsonSerializer.Deserialize<JsonElement>(body);
            if (root.ValueKind == JsonValueKind.Object)
            {
                return root;
            }
        }
        catch (JsonException)
        {
        }

        throw DfnsApiException.BadRequest("The request body must be a JSON object.");
    }

    public static string RequiredString(JsonElement obj, string name, string where = "body")
    {
        if (obj.ValueKind != JsonValueKind.Object
            || !obj.TryGetProperty(name, out JsonElement value)
            || value.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(value.GetString()))
        {
            throw DfnsApiException.BadRequest($"{where}.{name} is required and must be a non-empty string.");
        }

        return value.GetString()!;
    }

    public static string? OptionalString(JsonElement obj, string name, string where = "body")
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw DfnsApiException.BadRequest($"{where}.{name} must be a string.");
        }

        return value.GetString();
    }

    public static JsonElement RequiredObject(JsonElement obj, string name, string where = "body")
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.Object)
        {
            throw DfnsApiException.BadRequest($"{where}.{name} is required and must be an object.");
        }

        return value;
    }
}
