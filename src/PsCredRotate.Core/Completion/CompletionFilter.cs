using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace PsCredRotate.Core.Completion;

/// <summary>
/// Which candidates a partly typed word completes to, and how a value is written on the command
/// line. A word matches a candidate whose value starts with it or whose description contains it
/// (case-insensitive), so "billing" completes to the id of the client named "Billing API".
/// </summary>
public static class CompletionFilter
{
    /// <summary>
    /// The candidates <paramref name="wordToComplete"/> matches (an opening or enclosing quote is
    /// ignored; null or empty matches all): value-prefix matches first, then description matches,
    /// each sorted by description and value. Duplicate values are offered once.
    /// </summary>
    public static IReadOnlyList<CompletionCandidate> Filter(IEnumerable<CompletionCandidate> candidates, string? wordToComplete)
    {
        if (candidates is null)
        {
            throw new ArgumentNullException(nameof(candidates));
        }

        string word = Unquote(wordToComplete);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byValue = new List<CompletionCandidate>();
        var byDescription = new List<CompletionCandidate>();
        foreach (CompletionCandidate candidate in candidates)
        {
            if (candidate is null || !seen.Add(candidate.Value))
            {
                continue;
            }

            if (candidate.Value.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                byValue.Add(candidate);
            }
            else if (word.Length > 0 && candidate.Description is { } description && description.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                byDescription.Add(candidate);
            }
        }

        return Sorted(byValue).Concat(Sorted(byDescription)).ToList();
    }

    /// <summary>
    /// <paramref name="value"/> as PowerShell must read it back: bare when it is a plain token
    /// (letters, digits and - _ . : / @, not starting with - or @), else single-quoted with
    /// embedded quotes doubled.
    /// </summary>
    public static string QuoteIfNeeded(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        bool plain = value.Length > 0 && !IsSpecialFirst(value[0]) && value.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/' or '@');
        if (plain)
        {
            return value;
        }

        var quoted = new StringBuilder(value.Length + 2).Append('\'');
        foreach (char c in value)
        {
            quoted.Append(c);
            if (IsSingleQuote(c))
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('\'').ToString();
    }

    /// <summary>The word without the quote it was started (or enclosed) with.</summary>
    public static string Unquote(string? wordToComplete)
    {
        string word = wordToComplete ?? string.Empty;
        if (word.Length > 0 && (IsSingleQuote(word[0]) || IsDoubleQuote(word[0])))
        {
            word = word.Substring(1);
            if (word.Length > 0 && (IsSingleQuote(word[word.Length - 1]) || IsDoubleQuote(word[word.Length - 1])))
            {
                word = word.Substring(0, word.Length - 1);
            }
        }

        return word;
    }

    private static IEnumerable<CompletionCandidate> Sorted(List<CompletionCandidate> candidates) =>
        candidates
            .OrderBy(c => c.Description ?? c.Value, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Value, StringComparer.Ordinal);

    // A leading - @ $ ( { [ # < > would be read as a parameter, splat, variable, expression, comment or redirection.
    private static bool IsSpecialFirst(char c) => c is '-' or '@' or '$' or '(' or '{' or '[' or '#' or '<' or '>';

    // PowerShell treats the typographic single quotes as quotes too.
    private static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    private static bool IsDoubleQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E';
}
