using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// Auth0's Management API OpenAPI document (Fixtures/openapi), read once with YamlDotNet into a
/// System.Text.Json tree. Plain YAML scalars are typed as YAML 1.2's core schema types them (null,
/// booleans, numbers); quoted and block scalars stay strings.
/// </summary>
public static class OpenApiDocument
{
    private static readonly Lazy<JsonObject> Management = new(() => Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "openapi", "auth0-management-api-openapi.yml")));

    public static JsonObject ManagementApi => Management.Value;

    public static JsonObject Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return (JsonObject)Convert(stream.Documents[0].RootNode)!;
    }

    /// <summary>The schema of an operation's JSON response for a status, or null when the spec declares no body.</summary>
    public static JsonNode? ResponseSchema(JsonObject document, string method, string pathTemplate, int status, out string declaredStatus)
    {
        JsonObject operation = document["paths"]?[pathTemplate]?[method.ToLowerInvariant()] as JsonObject
            ?? throw new KeyNotFoundException($"The OpenAPI document has no {method} {pathTemplate}.");
        JsonObject responses = (JsonObject)operation["responses"]!;
        declaredStatus = status.ToString(CultureInfo.InvariantCulture);
        if (!responses.ContainsKey(declaredStatus))
        {
            // A 2xx the spec declares under another 2xx code (PATCH credential: the spec says 201,
            // the real service answers 200, reference 1.1): take the operation's only success response.
            string[] successes = responses.Select(r => r.Key).Where(k => k.StartsWith('2')).ToArray();
            if (status is >= 200 and < 300 && successes.Length == 1)
            {
                declaredStatus = successes[0];
            }
            else
            {
                throw new KeyNotFoundException($"{method} {pathTemplate} does not declare status {status}.");
            }
        }

        return responses[declaredStatus]?["content"]?["application/json"]?["schema"];
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMap(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new FormatException($"Unexpected YAML node {node.NodeType} at {node.Start}."),
    };

    private static JsonObject ConvertMap(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach (KeyValuePair<YamlNode, YamlNode> entry in map.Children)
        {
            o[((YamlScalarNode)entry.Key).Value!] = Convert(entry.Value);
        }

        return o;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return JsonValue.Create(l);
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsInfinity(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }
}
