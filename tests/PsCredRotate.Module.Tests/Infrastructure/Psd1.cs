using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// A small, strict reader for PowerShell data files (.psd1), enough for a module manifest, so the
/// contract tests need no PowerShell.
/// </summary>
/// <remarks>
/// Reads: <c>@{ }</c> hashtables (keys are barewords or single-quoted strings, entries separated by
/// new lines or <c>;</c>), single-quoted strings (with <c>''</c> for a quote), <c>@( )</c> arrays of
/// strings and hashtables (separated by commas or new lines), <c>$true</c>/<c>$false</c>/<c>$null</c>,
/// and <c>#</c> and <c>&lt;# #&gt;</c> comments.
/// Refuses, rather than guesses: double-quoted strings and here-strings (they can expand), numbers
/// and other expressions, duplicate keys in one hashtable. Keys compare case-insensitively, as in
/// PowerShell.
/// </remarks>
internal sealed class Psd1
{
    private readonly string _text;
    private int _pos;

    private Psd1(string text) => _text = text;

    public static Dictionary<string, object?> Parse(string text)
    {
        var reader = new Psd1(text);
        reader.SkipTrivia();
        Dictionary<string, object?> result = reader.ReadHashtable();
        reader.SkipTrivia();
        if (reader._pos != text.Length)
        {
            throw reader.Fail("text after the closing '}'");
        }

        return result;
    }

    private Dictionary<string, object?> ReadHashtable()
    {
        Expect("@{");
        var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipTrivia(alsoSemicolons: true);
            if (TryConsume("}"))
            {
                return table;
            }

            string key = Peek() == '\'' ? ReadString() : ReadBareword();
            SkipTrivia();
            Expect("=");
            SkipTrivia();
            object? value = ReadValue();
            if (table.ContainsKey(key))
            {
                throw Fail($"duplicate key '{key}'");
            }

            table[key] = value;
        }
    }

    private List<object?> ReadArray()
    {
        Expect("@(");
        var items = new List<object?>();
        while (true)
        {
            SkipTrivia(alsoCommas: true);
            if (TryConsume(")"))
            {
                return items;
            }

            items.Add(ReadValue());
        }
    }

    private object? ReadValue()
    {
        if (Lookahead("@{"))
        {
            return ReadHashtable();
        }

        if (Lookahead("@("))
        {
            return ReadArray();
        }

        char c = Peek();
        if (c == '\'')
        {
            return ReadString();
        }

        if (c == '$')
        {
            _pos++;
            string name = ReadBareword();
            return name.ToUpperInvariant() switch
            {
                "TRUE" => true,
                "FALSE" => false,
                "NULL" => null,
                _ => throw Fail($"variable '${name}' (only $true, $false and $null are data)"),
            };
        }

        throw Fail(c == '"' ? "a double-quoted string (use single quotes in data files)" : $"an unsupported value starting with '{c}'");
    }

    private string ReadString()
    {
        Expect("'");
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Fail("an unterminated string");
            }

            char c = _text[_pos++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    sb.Append('\'');
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            sb.Append(c);
        }
    }

    private string ReadBareword()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Fail("a key name");
        }

        return _text.Substring(start, _pos - start);
    }

    private void SkipTrivia(bool alsoCommas = false, bool alsoSemicolons = false)
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (char.IsWhiteSpace(c) || (alsoCommas && c == ',') || (alsoSemicolons && c == ';'))
            {
                _pos++;
            }
            else if (Lookahead("<#"))
            {
                int end = _text.IndexOf("#>", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Fail("an unterminated block comment");
                }

                _pos = end + 2;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private bool Lookahead(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private bool TryConsume(string s)
    {
        if (!Lookahead(s))
        {
            return false;
        }

        _pos += s.Length;
        return true;
    }

    private void Expect(string s)
    {
        if (!TryConsume(s))
        {
            throw Fail($"'{s}'");
        }
    }

    private FormatException Fail(string what)
    {
        int line = 1;
        for (int i = 0; i < _pos && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
            }
        }

        return new FormatException(string.Format(CultureInfo.InvariantCulture, "psd1 line {0}: unexpected {1}.", line, what));
    }
}
