using System.Text.Json;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// Compares two JSON documents by shape: the same field names, each with the same JSON value kind,
/// recursively; an array is compared by its first element when both have one. A recorded string
/// "[REDACTED]" is not compared (neither its presence nor its kind): the recording lost it.
/// Paths look like $.client_authentication_methods.private_key_jwt.credentials[0].id.
/// </summary>
public static class JsonShape
{
    public const string Redacted = "[REDACTED]";

    public static List<string> Compare(JsonElement recorded, JsonElement actual, IReadOnlySet<string> allowed)
    {
        var problems = new List<string>();
        Walk("$", recorded, actual, allowed, problems);
        return problems;
    }

    private static void Walk(string path, JsonElement recorded, JsonElement actual, IReadOnlySet<string> allowed, List<string> problems)
    {
        if (allowed.Contains(path))
        {
            return;
        }

        if (recorded.ValueKind != actual.ValueKind && !(IsBool(recorded) && IsBool(actual)))
        {
            problems.Add($"{path}: the real tenant answered {Kind(recorded)}, the emulator {Kind(actual)}");
            return;
        }

        if (recorded.ValueKind == JsonValueKind.Object)
        {
            var actualNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in actual.EnumerateObject())
            {
                actualNames.Add(p.Name);
            }

            foreach (JsonProperty p in recorded.EnumerateObject())
            {
                string child = path + "." + p.Name;
                if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == Redacted)
                {
                    actualNames.Remove(p.Name);
                    continue;
                }

                if (!actual.TryGetProperty(p.Name, out JsonElement a))
                {
                    if (!allowed.Contains(child) && !ContainsRedacted(p.Value))
                    {
                        problems.Add($"{child}: the real tenant returned it, the emulator did not");
                    }

                    continue;
                }

                actualNames.Remove(p.Name);
                Walk(child, p.Value, a, allowed, problems);
            }

            foreach (string extra in actualNames)
            {
                string child = path + "." + extra;
                if (!allowed.Contains(child))
                {
                    problems.Add($"{child}: the emulator returned it, the real tenant did not");
                }
            }
        }
        else if (recorded.ValueKind == JsonValueKind.Array && recorded.GetArrayLength() > 0 && actual.GetArrayLength() > 0)
        {
            Walk(path + "[0]", recorded[0], actual[0], allowed, problems);
        }
    }

    private static bool ContainsRedacted(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() == Redacted,
        JsonValueKind.Array => e.EnumerateArray().Any(ContainsRedacted),
        JsonValueKind.Object => e.EnumerateObject().Any(p => ContainsRedacted(p.Value)),
        _ => false,
    };

    private static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };
}
