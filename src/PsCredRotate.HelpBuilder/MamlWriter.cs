using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace PsCredRotate.HelpBuilder;

/// <summary>Writes the MAML document PowerShell's Get-Help reads for compiled cmdlets (&lt;Assembly&gt;.dll-Help.xml).</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                Msh + "helpItems",
                new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                commands.Select(WriteCommand)));

    private static XElement WriteCommand(CommandHelp help) =>
        new(
            Command + "command",
            new XElement(
                Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", Sets(help).Select(set => SyntaxItem(help, set))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Required))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeItem(Command + "inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeItem(Command + "returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(
                Command + "relatedLinks",
                help.Links.Select(l => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri.EndsWith(".md", System.StringComparison.Ordinal) ? string.Empty : l.Uri)))));

    private static IEnumerable<string> Sets(CommandHelp help) =>
        help.ParameterSets.Count == 0 ? new[] { "(All)" } : help.ParameterSets;

    private static XElement SyntaxItem(CommandHelp help, string set) =>
        new(
            Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            help.Parameters.Where(p => set == "(All)" || p.InSet(set)).Select(p => Parameter(p, p.IsRequiredIn(set))));

    /// <summary>One parameter; <paramref name="required"/> is per set in a syntax item, "in any set" in the parameters section.</summary>
    private static XElement Parameter(ParameterHelp p, bool required) =>
        new(
            Command + "parameter",
            new XAttribute("required", required ? "true" : "false"),
            new XAttribute("variableLength", p.Type.EndsWith("[]", System.StringComparison.Ordinal) ? "true" : "false"),
            new XAttribute("globbing", p.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position != "Named" ? p.Position : "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.Description),
            p.Type == "SwitchParameter" ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), new XAttribute("variableLength", "false"), p.Type),
            new XElement(Dev + "type", new XElement(Maml + "name", p.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", p.DefaultValue));

    private static XElement TypeItem(XName name, TypeHelp type) =>
        new(name, new XElement(Dev + "type", new XElement(Maml + "name", type.Name), new XElement(Maml + "uri")), Description(type.Description));

    private static XElement Example(ExampleHelp example, int index) =>
        new(
            Command + "example",
            new XElement(Maml + "title", $"-------------------------- {example.Title} --------------------------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    private static XElement Description(string text) => Description(new[] { text });

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));
}
