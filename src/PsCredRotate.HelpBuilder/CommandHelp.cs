using System.Collections.Generic;

namespace PsCredRotate.HelpBuilder;

/// <summary>One cmdlet's help page, as read from its markdown.</summary>
internal sealed class CommandHelp
{
    public required string Name { get; init; }

    public string Synopsis { get; set; } = string.Empty;

    public List<string> Description { get; } = new();

    /// <summary>Parameter-set names from the SYNTAX headings; empty when the cmdlet has one set.</summary>
    public List<string> ParameterSets { get; } = new();

    public List<ExampleHelp> Examples { get; } = new();

    public List<ParameterHelp> Parameters { get; } = new();

    public List<TypeHelp> Inputs { get; } = new();

    public List<TypeHelp> Outputs { get; } = new();

    public List<string> Notes { get; } = new();

    public List<(string Text, string Uri)> Links { get; } = new();

    public string Verb => Name.Split('-')[0];

    public string Noun => Name.Substring(Name.IndexOf('-') + 1);
}

internal sealed class ExampleHelp
{
    public required string Title { get; init; }

    public string Code { get; set; } = string.Empty;

    public List<string> Remarks { get; } = new();
}

internal sealed class ParameterHelp
{
    public required string Name { get; init; }

    public List<string> Description { get; } = new();

    public string Type { get; set; } = "Object";

    /// <summary>"(All)" or the set names.</summary>
    public List<string> Sets { get; } = new();

    public List<string> Aliases { get; } = new();

    /// <summary>Required in any set (the parameters section shows this).</summary>
    public bool Required { get; set; }

    /// <summary>Per set, when the page says "True (SetA, SetB), False (SetC)"; empty when one value holds for all sets.</summary>
    public Dictionary<string, bool> RequiredBySet { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Whether the parameter is mandatory in <paramref name="set"/> ("(All)": in any set).</summary>
    public bool IsRequiredIn(string set) =>
        set != "(All)" && RequiredBySet.TryGetValue(set, out bool required) ? required : Required;

    public string Position { get; set; } = "Named";

    public string DefaultValue { get; set; } = "None";

    public string PipelineInput { get; set; } = "False";

    public bool Globbing { get; set; }

    public bool InSet(string set) => Sets.Count == 0 || Sets.Contains("(All)") || Sets.Contains(set);
}

internal sealed class TypeHelp
{
    public required string Name { get; init; }

    public List<string> Description { get; } = new();
}
