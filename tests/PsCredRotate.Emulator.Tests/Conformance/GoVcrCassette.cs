using System.Globalization;
using System.Text;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>One recorded request and the answer the real tenant gave.</summary>
public sealed record RecordedInteraction(
    int Index,
    string Method,
    Uri Url,
    string? RequestContentType,
    string RequestBody,
    int StatusCode,
    string ResponseBody);

/// <summary>
/// A reader for the go-vcr v2 cassettes in Fixtures/auth0-recordings. It understands only the fixed
/// layout go-vcr writes (interactions at indent 4, request/response at 6, their keys at 8, header
/// names at 12 and values at 16; bodies as "", '...' single-quoted, | literal blocks, or plain
/// scalars). Anything else in a cassette is an error, not a silent guess.
/// </summary>
public static class GoVcrCassette
{
    public static IReadOnlyList<RecordedInteraction> Load(string path) => Parse(File.ReadAllLines(path), Path.GetFileName(path));

    public static IReadOnlyList<RecordedInteraction> Parse(IReadOnlyList<string> lines, string name)
    {
        var result = new List<RecordedInteraction>();
        Builder? current = null;
        string? section = null;
        string? headerName = null;
        bool inHeaders = false;
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            int indent = line.Length - line.TrimStart(' ').Length;
            string text = line.Trim();
            if (indent == 4 && text.StartsWith("- id:", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    result.Add(current.Build(name));
                }

                current = new Builder { Index = int.Parse(text["- id:".Length..].Trim(), CultureInfo.InvariantCulture) };
                section = null;
                continue;
            }

            if (current is null)
            {
                continue;
            }

            if (indent == 6)
            {
                section = text.TrimEnd(':');
                inHeaders = false;
                continue;
            }

            if (indent == 8)
            {
                inHeaders = false;
                int colon = text.IndexOf(':', StringComparison.Ordinal);
                string key = text[..colon];
                string value = text[(colon + 1)..].Trim();
                switch (key)
                {
                    case "body":
                        string body = ReadScalar(value, lines, ref i, name);
                        if (section == "request")
                        {
                            current.RequestBody = body;
                        }
                        else
                        {
                            current.ResponseBody = body;
                        }

                        break;
                    case "headers":
                        inHeaders = section == "request";
                        break;
                    case "url" when section == "request":
                        current.Url = new Uri(value);
                        break;
                    case "method" when section == "request":
                        current.Method = value;
                        break;
                    case "code" when section == "response":
                        current.StatusCode = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                }

                continue;
            }

            if (inHeaders && indent == 12)
            {
                headerName = text.TrimEnd(':');
                continue;
            }

            if (inHeaders && indent == 16 && text.StartsWith("- ", StringComparison.Ordinal)
                && string.Equals(headerName, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                current.RequestContentType = text[2..].Trim();
            }
        }

        if (current is not null)
        {
            result.Add(current.Build(name));
        }

        return result;
    }

    private static string ReadScalar(string value, IReadOnlyList<string> lines, ref int i, string name)
    {
        if (value.Length == 0 || value == "\"\"" || value == "''")
        {
            return "";
        }

        if (value is "|" or "|-")
        {
            // A literal block: the following lines indented deeper than the key (12 spaces here).
            var sb = new StringBuilder();
            int blockIndent = -1;
            while (i + 1 < lines.Count)
            {
                string next = lines[i + 1];
                int nextIndent = next.Length - next.TrimStart(' ').Length;
                if (next.Trim().Length > 0 && nextIndent <= 8)
                {
                    break;
                }

                i++;
                if (blockIndent < 0 && next.Trim().Length > 0)
                {
                    blockIndent = nextIndent;
                }

                sb.Append(next.Length >= blockIndent && blockIndent > 0 ? next[blockIndent..] : next.Trim()).Append('\n');
            }

            string block = sb.ToString().TrimEnd('\n');
            return value == "|" ? block + "\n" : block;
        }

        if (value[0] == '\'')
        {
            // Single-quoted: '' is a quote; a scalar running over lines is folded with one space.
            string all = value;
            while (!ClosesSingleQuoted(all))
            {
                if (++i >= lines.Count)
                {
                    throw new FormatException($"{name}: unterminated single-quoted scalar.");
                }

                all += " " + lines[i].Trim();
            }

            return all[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (value[0] == '"')
        {
            throw new FormatException($"{name}: double-quoted bodies are not in the fixed layout this reader handles.");
        }

        return value;
    }

    private static bool ClosesSingleQuoted(string s)
    {
        if (s.Length < 2 || s[^1] != '\'')
        {
            return false;
        }

        // Count the quotes at the end after the opening one: an odd run closes the scalar.
        int run = 0;
        for (int k = s.Length - 1; k > 0 && s[k] == '\''; k--)
        {
            run++;
        }

        return run % 2 == 1;
    }

    private sealed class Builder
    {
        public int Index { get; init; }

        public string Method { get; set; } = "";

        public Uri? Url { get; set; }

        public string? RequestContentType { get; set; }

        public string RequestBody { get; set; } = "";

        public int StatusCode { get; set; }

        public string ResponseBody { get; set; } = "";

        public RecordedInteraction Build(string name) => new(
            Index,
            Method.Length > 0 ? Method : throw new FormatException($"{name} #{Index}: no method."),
            Url ?? throw new FormatException($"{name} #{Index}: no url."),
            RequestContentType,
            RequestBody,
            StatusCode > 0 ? StatusCode : throw new FormatException($"{name} #{Index}: no response code."),
            ResponseBody);
    }
}
