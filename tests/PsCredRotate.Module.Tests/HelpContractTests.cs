using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>
/// The staged MAML help (built from docs/cmdlets) is what Get-Help shows: one entry per exported
/// cmdlet, each with a synopsis and examples, and parameters that are exactly the compiled ones.
/// A docs page that drifts from its cmdlet fails here.
/// </summary>
public sealed class HelpContractTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly Lazy<XDocument> Help = new(() => XDocument.Load(Path.Combine(RepoPaths.StagedModule, "en-US", "PsCredRotate.dll-Help.xml")));

    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (CmdletFacts cmdlet in ModuleAssembly.AllCmdlets.OrderBy(c => c.CommandName, StringComparer.Ordinal))
        {
            data.Add(cmdlet.CommandName);
        }

        return data;
    }

    [Fact]
    public void The_help_file_has_one_entry_per_exported_cmdlet_and_no_other()
    {
        var staged = Psd1.Parse(File.ReadAllText(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.psd1")));
        string[] exported = ((List<object?>)staged["CmdletsToExport"]!).Cast<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        string[] documented = Commands().Select(c => (string)c.Element(Command + "details")!.Element(Command + "name")!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(exported, documented);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_cmdlet_has_a_synopsis_a_description_and_examples_that_use_it(string name)
    {
        XElement command = Find(name);
        Assert.False(string.IsNullOrWhiteSpace((string?)command.Element(Command + "details")!.Element(Maml + "description")), $"{name}: no synopsis");
        Assert.NotEmpty(command.Element(Maml + "description")!.Elements(Maml + "para"));
        XElement[] examples = command.Element(Command + "examples")!.Elements(Command + "example").ToArray();
        Assert.NotEmpty(examples);
        Assert.Contains(examples, e => ((string?)e.Element(Dev + "code") ?? string.Empty).Contains(name, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_compiled_parameter_is_documented_with_its_type_and_nothing_else_is(string name)
    {
        CmdletFacts cmdlet = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == name);
        Dictionary<string, string> documented = Find(name).Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => (string)p.Element(Maml + "name")!, p => (string)p.Element(Dev + "type")!.Element(Maml + "name")!, StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string> compiled = cmdlet.Parameters.ToDictionary(p => p.Key, p => ShortTypeName(p.Value), StringComparer.OrdinalIgnoreCase);
        if (cmdlet.SupportsShouldProcess)
        {
            // PowerShell adds these two; the docs may describe them (platyPS does).
            compiled.TryAdd("WhatIf", "SwitchParameter");
            compiled.TryAdd("Confirm", "SwitchParameter");
            foreach (string common in new[] { "WhatIf", "Confirm" }.Where(c => !documented.ContainsKey(c)))
            {
                compiled.Remove(common);
            }
        }

        Assert.Equal(compiled.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase), documented.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
        foreach ((string parameter, string type) in compiled)
        {
            Assert.True(string.Equals(type, documented[parameter], StringComparison.OrdinalIgnoreCase), $"{name} -{parameter}: compiled as {type}, documented as {documented[parameter]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void The_documented_syntax_has_the_compiled_parameter_sets(string name)
    {
        CmdletFacts cmdlet = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == name);
        var sets = new HashSet<string>(cmdlet.ParameterSetNames, StringComparer.Ordinal);
        if (sets.Count > 0 && cmdlet.DefaultParameterSetName is not null)
        {
            sets.Add(cmdlet.DefaultParameterSetName);
        }

        int syntaxItems = Find(name).Element(Command + "syntax")!.Elements(Command + "syntaxItem").Count();

        Assert.Equal(Math.Max(1, sets.Count), syntaxItems);
    }

    [Fact]
    public void A_short_type_name_reads_through_arrays_and_nullables()
    {
        Assert.Equal("String[]", ShortTypeName("System.String[]"));
        Assert.Equal("DateTimeOffset", ShortTypeName("System.Nullable`1[[System.DateTimeOffset, System.Private.CoreLib, Version=8.0.0.0]]"));
        Assert.Equal("RotationKey", ShortTypeName("PsCredRotate.Core.Keys.RotationKey"));
    }

    private static IEnumerable<XElement> Commands() => Help.Value.Root!.Elements(Command + "command");

    private static XElement Find(string name) =>
        Commands().SingleOrDefault(c => (string)c.Element(Command + "details")!.Element(Command + "name")! == name)
        ?? throw new Xunit.Sdk.XunitException($"{name} has no help entry: add docs/cmdlets/{name}.md");

    /// <summary>The name docs write for a parameter type: no namespace; Nullable&lt;T&gt; as T.</summary>
    private static string ShortTypeName(string fullName)
    {
        const string nullable = "System.Nullable`1[[";
        if (fullName.StartsWith(nullable, StringComparison.Ordinal))
        {
            fullName = fullName.Substring(nullable.Length, fullName.IndexOf(',', StringComparison.Ordinal) - nullable.Length);
        }

        return fullName.Substring(fullName.LastIndexOf('.') + 1);
    }
}
