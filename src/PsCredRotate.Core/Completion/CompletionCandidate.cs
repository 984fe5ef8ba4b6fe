using System;

namespace PsCredRotate.Core.Completion;

/// <summary>One value a parameter can take, as a tab completion offers it: the value and a description.</summary>
public sealed class CompletionCandidate
{
    public CompletionCandidate(string value, string? description)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("A completion value cannot be empty.", nameof(value));
        }

        Value = value;
        Description = string.IsNullOrWhiteSpace(description) ? null : description;
    }

    /// <summary>What is typed: a client id, a connection id.</summary>
    public string Value { get; }

    /// <summary>What the value names (a client's name), shown as the tooltip; null when there is none.</summary>
    public string? Description { get; }

    public override string ToString() => Description is null ? Value : $"{Value} ({Description})";
}
