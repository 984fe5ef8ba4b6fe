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

    private static string HelpPath => Path.Combine(RepoPaths.StagedModule, "en-US", "PsCredRotate.dll-Help.xml");

    private static readonly Lazy<XDocument> Help = new(() => XDocument.Load(HelpPath));

    /// <summary>Every compiled cmdlet and every exported one (ManifestContractTests proves they are the same set).</summary>
    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (string name in ModuleAssembly.AllCmdlets.Select(c => c.CommandName).Union(Exported(), StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    private static string[] Exported()
    {
        var staged = Psd1.Parse(File.ReadAllText(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.psd1")));
        return ((List<object?>)staged["CmdletsToExport"]!).Cast<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void The_per_cmdlet_checks_cover_every_exported_cmdlet()
    {
        string[] covered = Cmdlets().Cast<object[]>().Select(row => (string)row[0]).ToArray();

        Assert.Equal(Exported(), covered.Intersect(Exported(), StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal));
        Assert.True(covered.Length >= 39, $"{covered.Length} cmdlets checked; the module exports at least 39");
    }

    [Fact]
    public void The_help_file_has_one_entry_per_exported_cmdlet_and_no_other()
    {
        string[] exported = Exported();
        string[] documented = Commands().Select(c => (string)c.Element(Command + "details")!.Element(Command + "name")!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(exported, documented);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_cmdlet_has_a_synopsis_a_description_and_at_least_two_examples_that_use_it(string name)
    {
        XElement command = Find(name);
        Assert.False(string.IsNullOrWhiteSpace((string?)command.Element(Command + "details")!.Element(Maml + "description")), $"{name}: no synopsis");
        Assert.NotEmpty(command.Element(Maml + "description")!.Elements(Maml + "para"));
        XElement[] examples = command.Element(Command + "examples")!.Elements(Command + "example").ToArray();
        Assert.True(examples.Length >= 2, $"{name}: {examples.Length} example(s); docs/cmdlets/{name}.md needs at least two");
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace((string?)e.Element(Dev + "code")), $"{name}: an example without code"));
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

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Each_documented_syntax_lists_exactly_the_parameters_of_one_compiled_set(string name)
    {
        CmdletFacts cmdlet = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == name);
        var sets = new HashSet<string>(cmdlet.ParameterSetNames, StringComparer.Ordinal);
        if (sets.Count > 0 && cmdlet.DefaultParameterSetName is not null)
        {
            sets.Add(cmdlet.DefaultParameterSetName);
        }

        IEnumerable<string> InSet(string? set) => cmdlet.ParameterDetails
            .Where(p => set is null || p.Usages.Any(u => u.SetName is null || u.SetName == set))
            .Select(p => p.Name);
        string[] compiled = (sets.Count == 0 ? new[] { Signature(InSet(null)) } : sets.Select(s => Signature(InSet(s))))
            .OrderBy(s => s, StringComparer.Ordinal).ToArray();
        string[] documented = Find(name).Element(Command + "syntax")!.Elements(Command + "syntaxItem")
            .Select(item => Signature(item.Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")!).Where(n => n != "WhatIf" && n != "Confirm")))
            .OrderBy(s => s, StringComparer.Ordinal).ToArray();

        Assert.Equal(compiled, documented);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Each_documented_syntax_marks_mandatory_exactly_the_parameters_mandatory_in_its_set(string name)
    {
        CmdletFacts cmdlet = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == name);
        var sets = new HashSet<string>(cmdlet.ParameterSetNames, StringComparer.Ordinal);
        if (sets.Count > 0 && cmdlet.DefaultParameterSetName is not null)
        {
            sets.Add(cmdlet.DefaultParameterSetName);
        }

        // Per set: "Name" for an optional parameter, "Name!" for a mandatory one.
        string Shape(string? set) => Signature(cmdlet.ParameterDetails
            .Select(p => (p.Name, Usage: p.Usages.FirstOrDefault(u => u.SetName == set && set is not null) ?? p.Usages.FirstOrDefault(u => u.SetName is null)))
            .Where(x => set is null ? true : x.Usage is not null)
            .Select(x => x.Name + ((set is null ? x.Usage?.Mandatory ?? false : x.Usage!.Mandatory) ? "!" : string.Empty)));
        string[] compiled = (sets.Count == 0 ? new[] { Shape(null) } : sets.Select(s => Shape(s))).OrderBy(s => s, StringComparer.Ordinal).ToArray();
        string[] documented = Find(name).Element(Command + "syntax")!.Elements(Command + "syntaxItem")
            .Select(item => Signature(item.Elements(Command + "parameter")
                .Where(p => (string)p.Element(Maml + "name")! is not ("WhatIf" or "Confirm"))
                .Select(p => (string)p.Element(Maml + "name")! + ((string?)p.Attribute("required") == "true" ? "!" : string.Empty))))
            .OrderBy(s => s, StringComparer.Ordinal).ToArray();

        Assert.Equal(compiled, documented);
    }

    [Fact]
    public void The_generated_help_file_has_the_structure_PowerShell_reads()
    {
        IReadOnlyList<string> problems = MamlStructure.CheckFile(HelpPath);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("truncated", "not well-formed")]
    [InlineData("root without the msh namespace", "the root element must be helpItems")]
    [InlineData("no schema attribute", "schema=\"maml\"")]
    [InlineData("no command name", "command:details/command:name")]
    [InlineData("synopsis without para", "the synopsis")]
    [InlineData("para in no namespace", "which PowerShell does not read")]
    [InlineData("no syntax items", "no command:syntaxItem")]
    [InlineData("parameter without required", "required must be")]
    [InlineData("position a word", "position must be")]
    [InlineData("pipelineInput a word", "pipelineInput must start with")]
    [InlineData("syntax parameter not documented", "not in command:parameters")]
    [InlineData("no returnValues", "command:returnValues must occur once")]
    [InlineData("no inputTypes", "command:inputTypes must occur once")]
    [InlineData("example without code", "has no dev:code")]
    [InlineData("example without title", "has no maml:title")]
    [InlineData("example without remarks", "has no dev:remarks")]
    [InlineData("command twice", "more than one command:command")]
    [InlineData("no commands", "holds no command:command")]
    public void The_structure_check_fails_on_a_broken_help_file(string breakage, string expected)
    {
        string xml = Break(File.ReadAllText(HelpPath), breakage);

        IReadOnlyList<string> problems = MamlStructure.Check(xml);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>The generated help file with one thing wrong that Get-Help would stumble on.</summary>
    private static string Break(string xml, string breakage)
    {
        if (breakage == "truncated")
        {
            return xml.Substring(0, xml.Length / 2);
        }

        if (breakage == "root without the msh namespace")
        {
            // The classic mistake: <helpItems schema="maml"> with no xmlns="http://msh".
            Assert.Contains(" xmlns=\"http://msh\"", xml, StringComparison.Ordinal);
            return xml.Replace(" xmlns=\"http://msh\"", string.Empty, StringComparison.Ordinal);
        }

        XDocument doc = XDocument.Parse(xml);
        XElement root = doc.Root!;
        XElement first = root.Elements(Command + "command").First();
        XElement FirstParameter() => first.Element(Command + "parameters")!.Elements(Command + "parameter").First();
        XElement FirstExample() => first.Element(Command + "examples")!.Elements(Command + "example").First();
        switch (breakage)
        {
            case "no schema attribute":
                root.Attribute("schema")!.Remove();
                break;
            case "no command name":
                first.Element(Command + "details")!.Element(Command + "name")!.Remove();
                break;
            case "synopsis without para":
                first.Element(Command + "details")!.Element(Maml + "description")!.RemoveNodes();
                break;
            case "para in no namespace":
                foreach (XElement para in first.Element(Maml + "description")!.Elements(Maml + "para"))
                {
                    para.Name = "para";
                }

                break;
            case "no syntax items":
                first.Element(Command + "syntax")!.RemoveNodes();
                break;
            case "parameter without required":
                FirstParameter().Attribute("required")!.Remove();
                break;
            case "position a word":
                FirstParameter().SetAttributeValue("position", "first");
                break;
            case "pipelineInput a word":
                FirstParameter().SetAttributeValue("pipelineInput", "by name");
                break;
            case "syntax parameter not documented":
                first.Element(Command + "syntax")!.Element(Command + "syntaxItem")!.Add(
                    new XElement(Command + "parameter", new XAttribute("required", "false"), new XAttribute("position", "named"), new XAttribute("pipelineInput", "False"), new XElement(Maml + "name", "NoSuchParameter")));
                break;
            case "no returnValues":
                first.Element(Command + "returnValues")!.Remove();
                break;
            case "no inputTypes":
                first.Element(Command + "inputTypes")!.Remove();
                break;
            case "example without code":
                FirstExample().Element(Dev + "code")!.Remove();
                break;
            case "example without title":
                FirstExample().Element(Maml + "title")!.Remove();
                break;
            case "example without remarks":
                FirstExample().Element(Dev + "remarks")!.Remove();
                break;
            case "command twice":
                root.Add(new XElement(first));
                break;
            case "no commands":
                root.RemoveNodes();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }

        return doc.ToString();
    }

    private static string Signature(IEnumerable<string> parameters) =>
        string.Join(" ", parameters.Select(p => p.ToUpperInvariant()).OrderBy(p => p, StringComparer.Ordinal));

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
