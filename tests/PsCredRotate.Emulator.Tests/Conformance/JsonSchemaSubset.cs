using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// A validator for the part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that Auth0's response
/// schemas use: $ref to #/components/schemas, type (one or several, "null" included), nullable,
/// enum, const, required, properties, additionalProperties, items, allOf, anyOf, oneOf,
/// min/maxLength, pattern, min/maxItems, min/maxProperties, minimum/maximum and format date-time.
/// oneOf is checked as "at least one branch": Auth0's oneOf branches overlap (open objects whose
/// properties are all optional), so "exactly one" would reject the real service's own answers.
/// </summary>
public sealed class JsonSchemaSubset
{
    private readonly JsonObject _document;

    public JsonSchemaSubset(JsonObject document) => _document = document;

    public List<string> Validate(JsonNode? schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, instance, "$", errors, 0);
        return errors;
    }

    private JsonNode? Resolve(JsonNode? schema)
    {
        int guard = 0;
        while (schema is JsonObject o && o["$ref"] is JsonValue r && guard++ < 32)
        {
            string reference = r.GetValue<string>();
            if (!reference.StartsWith("#/", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"External $ref {reference}.");
            }

            JsonNode? target = _document;
            foreach (string part in reference[2..].Split('/'))
            {
                target = target?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            schema = target ?? throw new KeyNotFoundException($"Unresolved $ref {reference}.");
        }

        return schema;
    }

    private void Check(JsonNode? rawSchema, JsonElement v, string path, List<string> errors, int depth)
    {
        if (depth > 64)
        {
            errors.Add($"{path}: schema nesting too deep");
            return;
        }

        JsonNode? resolved = Resolve(rawSchema);
        if (resolved is JsonValue b && b.TryGetValue(out bool allowAll))
        {
            if (!allowAll)
            {
                errors.Add($"{path}: not allowed here (schema false)");
            }

            return;
        }

        if (resolved is not JsonObject schema)
        {
            return;
        }

        // A sibling $ref next to other keywords (3.1 allows it): check it as well.
        if (rawSchema is JsonObject raw && raw.ContainsKey("$ref") && raw.Count > 1)
        {
            var siblings = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> kv in raw.Where(kv => kv.Key != "$ref"))
            {
                siblings[kv.Key] = kv.Value?.DeepClone();
            }

            Check(siblings, v, path, errors, depth + 1);
        }

        bool nullable = schema["nullable"] is JsonValue n && n.TryGetValue(out bool nb) && nb;
        if (v.ValueKind == JsonValueKind.Null && nullable)
        {
            return;
        }

        if (schema["type"] is JsonNode typeNode)
        {
            string[] types = typeNode is JsonArray ta ? ta.Select(t => t!.GetValue<string>()).ToArray() : new[] { typeNode.GetValue<string>() };
            if (!types.Any(t => IsType(v, t)))
            {
                errors.Add($"{path}: expected {string.Join("|", types)}, got {v.ValueKind}");
                return;
            }
        }

        if (schema["enum"] is JsonArray values && !values.Any(e => JsonEquals(e, v)))
        {
            errors.Add($"{path}: {v.GetRawText()} is not one of {values.ToJsonString()}");
        }

        if (schema.ContainsKey("const") && !JsonEquals(schema["const"], v))
        {
            errors.Add($"{path}: {v.GetRawText()} is not the constant {schema["const"]?.ToJsonString() ?? "null"}");
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (JsonNode? s in allOf)
            {
                Check(s, v, path, errors, depth + 1);
            }
        }

        foreach (string combinator in new[] { "anyOf", "oneOf" })
        {
            if (schema[combinator] is JsonArray branches)
            {
                var branchErrors = new List<string>();
                bool any = false;
                foreach (JsonNode? s in branches)
                {
                    var e = new List<string>();
                    Check(s, v, path, e, depth + 1);
                    if (e.Count == 0)
                    {
                        any = true;
                        break;
                    }

                    branchErrors.Add(string.Join("; ", e.Take(3)));
                }

                if (!any)
                {
                    errors.Add($"{path}: matches no {combinator} branch: [{string.Join("] [", branchErrors)}]");
                }
            }
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, v, path, errors, depth);
                break;
            case JsonValueKind.Array:
                int count = v.GetArrayLength();
                if (Int(schema, "minItems") is int minItems && count < minItems)
                {
                    errors.Add($"{path}: {count} items, at least {minItems} required");
                }

                if (Int(schema, "maxItems") is int maxItems && count > maxItems)
                {
                    errors.Add($"{path}: {count} items, at most {maxItems} allowed");
                }

                if (schema.ContainsKey("items"))
                {
                    int i = 0;
                    foreach (JsonElement item in v.EnumerateArray())
                    {
                        Check(schema["items"], item, $"{path}[{i++}]", errors, depth + 1);
                    }
                }

                break;
            case JsonValueKind.String:
                string s2 = v.GetString()!;
                if (Int(schema, "minLength") is int minLength && s2.Length < minLength)
                {
                    errors.Add($"{path}: shorter than {minLength}");
                }

                if (Int(schema, "maxLength") is int maxLength && s2.Length > maxLength)
                {
                    errors.Add($"{path}: longer than {maxLength} ({s2.Length})");
                }

                if (schema["pattern"] is JsonValue p && !Regex.IsMatch(s2, p.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    errors.Add($"{path}: does not match the pattern {p.GetValue<string>()}");
                }

                if (schema["format"] is JsonValue f && f.GetValue<string>() == "date-time"
                    && !DateTimeOffset.TryParse(s2, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    errors.Add($"{path}: '{s2}' is not a date-time");
                }

                break;
            case JsonValueKind.Number:
                double d = v.GetDouble();
                if (schema["minimum"] is JsonValue min && d < Number(min))
                {
                    errors.Add($"{path}: below the minimum");
                }

                if (schema["maximum"] is JsonValue max && d > Number(max))
                {
                    errors.Add($"{path}: above the maximum");
                }

                break;
        }
    }

    private void CheckObject(JsonObject schema, JsonElement v, string path, List<string> errors, int depth)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (JsonNode? r in required)
            {
                string name = r!.GetValue<string>();
                if (!v.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}: required property '{name}' is missing");
                }
            }
        }

        int propertyCount = 0;
        foreach (JsonProperty p in v.EnumerateObject())
        {
            propertyCount++;
            if (properties is not null && properties.ContainsKey(p.Name))
            {
                Check(properties[p.Name], p.Value, path + "." + p.Name, errors, depth + 1);
            }
            else if (schema.ContainsKey("additionalProperties"))
            {
                JsonNode? extra = schema["additionalProperties"];
                if (extra is JsonValue ev && ev.TryGetValue(out bool allowed))
                {
                    if (!allowed)
                    {
                        errors.Add($"{path}: property '{p.Name}' is not in the schema (additionalProperties: false)");
                    }
                }
                else
                {
                    Check(extra, p.Value, path + "." + p.Name, errors, depth + 1);
                }
            }
        }

        if (Int(schema, "minProperties") is int minProperties && propertyCount < minProperties)
        {
            errors.Add($"{path}: {propertyCount} properties, at least {minProperties} required");
        }

        if (Int(schema, "maxProperties") is int maxProperties && propertyCount > maxProperties)
        {
            errors.Add($"{path}: {propertyCount} properties, at most {maxProperties} allowed");
        }
    }

    private static int? Int(JsonObject schema, string name) =>
        schema[name] is JsonValue value ? (int)Number(value) : null;

    private static double Number(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private static bool IsType(JsonElement v, string type) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        _ => true,
    };

    private static bool JsonEquals(JsonNode? expected, JsonElement actual) =>
        JsonNode.DeepEquals(expected, JsonNode.Parse(actual.GetRawText()));
}
