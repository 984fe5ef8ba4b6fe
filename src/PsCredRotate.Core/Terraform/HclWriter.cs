using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PsCredRotate.Core.Terraform;

/// <summary>
/// Writes HCL (Terraform's native syntax) as <c>terraform fmt</c> lays it out: two-space indent,
/// the <c>=</c> of consecutive attributes aligned, string literals escaped (quotes, backslashes,
/// control characters, and the <c>${</c> / <c>%{</c> template sequences), multi-line text as a
/// heredoc whose delimiter never occurs in the text. Not thread-safe.
/// </summary>
public sealed class HclWriter
{
    private const string Indent = "  ";
    private readonly StringBuilder _text = new();
    private readonly List<(string Name, string Value, string? Heredoc)> _pending = new();
    private int _depth;

    /// <summary>Opens <c>type "label" … {</c>.</summary>
    public HclWriter BeginBlock(string type, params string[] labels)
    {
        Flush();
        CheckIdentifier(type);
        Line(type + (labels.Length == 0 ? string.Empty : " " + string.Join(" ", Array.ConvertAll(labels, Quote))) + " {");
        _depth++;
        return this;
    }

    /// <summary>Closes the innermost block.</summary>
    public HclWriter EndBlock()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("No block is open.");
        }

        Flush();
        _depth--;
        Line("}");
        return this;
    }

    /// <summary><c>name = "value"</c>, the value escaped as an HCL string literal.</summary>
    public HclWriter Attribute(string name, string value) => Expression(name, Quote(value));

    /// <summary><c>name = true|false</c>.</summary>
    public HclWriter Attribute(string name, bool value) => Expression(name, value ? "true" : "false");

    /// <summary><c>name = expression</c>, the expression written as given (a reference or function call the caller built).</summary>
    public HclWriter Expression(string name, string expression)
    {
        CheckIdentifier(name);
        _pending.Add((name, expression ?? throw new ArgumentNullException(nameof(expression)), null));
        return this;
    }

    /// <summary><c>name = &lt;&lt;EOT</c> … <c>EOT</c>: <paramref name="text"/> literally (template sequences escaped); a final newline is added when missing.</summary>
    public HclWriter Heredoc(string name, string text)
    {
        CheckIdentifier(name);
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        string body = EscapeTemplate(text.Replace("\r\n", "\n"));
        if (!body.EndsWith("\n", StringComparison.Ordinal))
        {
            body += "\n";
        }

        string delimiter = Delimiter(body);
        _pending.Add((name, "<<" + delimiter, body + delimiter));
        return this;
    }

    /// <summary>One <c># comment</c> line per line of <paramref name="text"/>.</summary>
    public HclWriter Comment(string text)
    {
        Flush();
        foreach (string line in (text ?? string.Empty).Replace("\r\n", "\n").Split('\n'))
        {
            Line(line.Length == 0 ? "#" : "# " + line);
        }

        return this;
    }

    /// <summary>An empty line (it also ends an alignment group, as in terraform fmt).</summary>
    public HclWriter BlankLine()
    {
        Flush();
        _text.Append('\n');
        return this;
    }

    /// <summary>The text written so far (every block must be closed).</summary>
    public override string ToString()
    {
        if (_depth != 0)
        {
            throw new InvalidOperationException($"{_depth} block(s) are still open.");
        }

        Flush();
        return _text.ToString();
    }

    /// <summary><paramref name="value"/> as an HCL quoted string literal.</summary>
    public static string Quote(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '$' or '%' when i + 1 < value.Length && value[i + 1] == '{':
                    // "${" and "%{" open a template sequence; doubling the first character makes them literal.
                    text.Append(c).Append(c);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>True for a valid HCL identifier (letters, digits, '_' and '-', not starting with a digit or '-').</summary>
    public static bool IsIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || !(char.IsLetter(name![0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A Terraform resource name made from any text: lower case, runs of other characters as one
    /// '_', a leading '_' when it would start with a digit; <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string ToIdentifier(string? text, string fallback)
    {
        var name = new StringBuilder();
        foreach (char c in (text ?? string.Empty).ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-')
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[name.Length - 1] != '_')
            {
                name.Append('_');
            }
        }

        string result = name.ToString().Trim('_', '-');
        if (result.Length == 0)
        {
            return fallback;
        }

        return char.IsDigit(result[0]) ? "_" + result : result;
    }

    private static string EscapeTemplate(string text) =>
        text.Replace("${", "$${").Replace("%{", "%%{");

    private static string Delimiter(string body)
    {
        var lines = new HashSet<string>(body.Split('\n'), StringComparer.Ordinal);
        string delimiter = "EOT";
        for (int n = 1; ContainsDelimiterLine(lines, delimiter); n++)
        {
            delimiter = "EOT" + n.ToString(CultureInfo.InvariantCulture);
        }

        return delimiter;
    }

    private static bool ContainsDelimiterLine(HashSet<string> lines, string delimiter)
    {
        foreach (string line in lines)
        {
            if (line.Trim() == delimiter)
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckIdentifier(string name)
    {
        if (!IsIdentifier(name))
        {
            throw new ArgumentException($"'{name}' is not an HCL identifier.", nameof(name));
        }
    }

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        int width = 0;
        foreach (var attribute in _pending)
        {
            width = Math.Max(width, attribute.Name.Length);
        }

        foreach (var attribute in _pending)
        {
            Line(attribute.Name.PadRight(width) + " = " + attribute.Value);
            if (attribute.Heredoc is not null)
            {
                // The heredoc's lines are written at column 0: they are the value, byte for byte.
                _text.Append(attribute.Heredoc).Append('\n');
            }
        }

        _pending.Clear();
    }

    private void Line(string text)
    {
        for (int i = 0; i < _depth; i++)
        {
            _text.Append(Indent);
        }

        _text.Append(text).Append('\n');
    }
}
