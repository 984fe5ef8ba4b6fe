using System.Collections.Generic;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>What the contract rules need to know about one cmdlet class, read from metadata.</summary>
internal sealed record CmdletFacts
{
    public required string ClassName { get; init; }

    public required string Namespace { get; init; }

    public bool IsSealed { get; init; } = true;

    public required string Verb { get; init; }

    public required string Noun { get; init; }

    public bool SupportsShouldProcess { get; init; }

    /// <summary>ConfirmImpact as named in System.Management.Automation; Medium when not set.</summary>
    public string ConfirmImpact { get; init; } = "Medium";

    public string? DefaultParameterSetName { get; init; }

    /// <summary>Full names of the types in every [OutputType].</summary>
    public IReadOnlyList<string> OutputTypes { get; init; } = [];

    /// <summary>Parameter-set names used in [Parameter(ParameterSetName = ...)], without the all-sets name.</summary>
    public IReadOnlySet<string> ParameterSetNames { get; init; } = new HashSet<string>();

    /// <summary>Values of the class's public const string fields named *ParameterSet.</summary>
    public IReadOnlySet<string> ParameterSetConstants { get; init; } = new HashSet<string>();

    /// <summary>Parameter name to the full name of its type.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Every parameter with its attributes, in declaration order.</summary>
    public IReadOnlyList<ParameterFacts> ParameterDetails { get; init; } = [];

    public string CommandName => Verb + "-" + Noun;
}

/// <summary>One cmdlet parameter as declared: its type, aliases, ValidateSet and one usage per [Parameter].</summary>
internal sealed record ParameterFacts
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public IReadOnlyList<string> ValidateSet { get; init; } = [];

    public IReadOnlyList<ParameterSetFacts> Usages { get; init; } = [];
}

/// <summary>One [Parameter] attribute: the set it applies to (null: all sets) and how it binds there.</summary>
internal sealed record ParameterSetFacts
{
    public string? SetName { get; init; }

    public bool Mandatory { get; init; }

    public int? Position { get; init; }

    public bool ValueFromPipeline { get; init; }

    public bool ValueFromPipelineByPropertyName { get; init; }

    public string? HelpMessage { get; init; }
}
