using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsCredRotate.Core.Completion;

namespace PsCredRotate.Completion;

/// <summary>Candidates as PowerShell completion results: the (quoted if needed) value, listed by value, the description as tooltip.</summary>
internal static class CandidateCompletions
{
    public static IEnumerable<CompletionResult> For(IEnumerable<CompletionCandidate> candidates, string? wordToComplete) =>
        CompletionFilter.Filter(candidates, wordToComplete)
            .Select(c => new CompletionResult(
                CompletionFilter.QuoteIfNeeded(c.Value),
                c.Value,
                CompletionResultType.ParameterValue,
                c.Description is null ? c.Value : $"{c.Description} ({c.Value})"))
            .ToList();
}
