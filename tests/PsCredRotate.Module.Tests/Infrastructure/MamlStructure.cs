using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// The structure of a compiled cmdlet's help file (&lt;Assembly&gt;.dll-Help.xml) as PowerShell's
/// help system reads it, written out as a checker (no MAML schema package is available here).
/// PowerShell finds a command's help by <c>helpItems/command:command/command:details/command:name</c>,
/// takes the synopsis from <c>details/maml:description</c>, the syntax from one
/// <c>command:syntaxItem</c> per parameter set, the parameters with their <c>required</c>,
/// <c>position</c> and <c>pipelineInput</c> attributes, the input and output types, and the examples
/// (<c>maml:title</c>, <c>dev:code</c>, <c>dev:remarks</c>). An element in the wrong namespace is as
/// good as missing to it, so namespaces are checked exactly.
/// </summary>
internal static class MamlStructure
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly HashSet<XNamespace> Known = new() { Msh, Maml, Command, Dev };

    /// <summary>The problems of the file at <paramref name="path"/>; empty when PowerShell can read it.</summary>
    public static IReadOnlyList<string> CheckFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Check(stream);
    }

    /// <summary>The problems of a MAML document given as text or a stream; a document that is not well-formed XML is one problem.</summary>
    public static IReadOnlyList<string> Check(Stream stream)
    {
        XDocument document;
        try
        {
            using XmlReader reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return new[] { $"not well-formed XML: {e.Message}" };
        }

        return Check(document);
    }

    public static IReadOnlyList<string> Check(string xml) =>
        Check(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml)));

    public static IReadOnlyList<string> Check(XDocument document)
    {
        var problems = new List<string>();
        XElement? root = document.Root;
        if (root is null || root.Name != Msh + "helpItems")
        {
            problems.Add($"the root element must be helpItems in the namespace {Msh}, not {root?.Name}");
            return problems;
        }

        if ((string?)root.Attribute("schema") != "maml")
        {
            problems.Add("helpItems must carry schema=\"maml\"");
        }

        foreach (XElement element in root.DescendantsAndSelf().Where(e => !Known.Contains(e.Name.Namespace)))
        {
            problems.Add($"{Where(element)}: <{element.Name.LocalName}> is in the namespace '{element.Name.NamespaceName}', which PowerShell does not read");
        }

        foreach (XElement other in root.Elements().Where(e => e.Name != Command + "command"))
        {
            problems.Add($"{Where(other)}: helpItems holds only command:command elements, not {other.Name.LocalName}");
        }

        XElement[] commands = root.Elements(Command + "command").ToArray();
        if (commands.Length == 0)
        {
            problems.Add("helpItems holds no command:command");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (XElement command in commands)
        {
            string name = CheckCommand(command, problems);
            if (name.Length > 0 && !names.Add(name))
            {
                problems.Add($"{name}: more than one command:command with this name");
            }
        }

        return problems;
    }

    private static string CheckCommand(XElement command, List<string> problems)
    {
        XElement? details = Single(command, Command + "details", "command", problems);
        string name = details is null ? string.Empty : Text(details.Element(Command + "name"));
        string label = name.Length > 0 ? name : Where(command);
        if (details is not null)
        {
            if (name.Length == 0 || name.IndexOf('-') <= 0)
            {
                problems.Add($"{label}: command:details/command:name must be the Verb-Noun command name");
            }
            else
            {
                string verb = Text(details.Element(Command + "verb"));
                string noun = Text(details.Element(Command + "noun"));
                if (verb != name.Substring(0, name.IndexOf('-')) || noun != name.Substring(name.IndexOf('-') + 1))
                {
                    problems.Add($"{label}: command:verb '{verb}' and command:noun '{noun}' do not spell the name");
                }
            }

            if (!HasParagraph(details.Element(Maml + "description")))
            {
                problems.Add($"{label}: command:details/maml:description (the synopsis) has no maml:para text");
            }
        }

        if (Single(command, Maml + "description", label, problems) is { } description && !HasParagraph(description))
        {
            problems.Add($"{label}: maml:description (the description) has no maml:para text");
        }

        var documented = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (Single(command, Command + "parameters", label, problems) is { } parameters)
        {
            foreach (XElement parameter in parameters.Elements())
            {
                if (parameter.Name != Command + "parameter")
                {
                    problems.Add($"{label}: command:parameters holds only command:parameter, not {parameter.Name.LocalName}");
                    continue;
                }

                string parameterName = CheckParameter(parameter, label, problems);
                if (parameterName.Length > 0 && !documented.Add(parameterName))
                {
                    problems.Add($"{label} -{parameterName}: documented twice in command:parameters");
                }

                if (parameter.Element(Maml + "description") is null)
                {
                    problems.Add($"{label} -{parameterName}: no maml:description");
                }

                if (Text(parameter.Element(Dev + "type")?.Element(Maml + "name")).Length == 0)
                {
                    problems.Add($"{label} -{parameterName}: no dev:type/maml:name");
                }
            }
        }

        if (Single(command, Command + "syntax", label, problems) is { } syntax)
        {
            XElement[] items = syntax.Elements(Command + "syntaxItem").ToArray();
            if (items.Length == 0)
            {
                problems.Add($"{label}: command:syntax has no command:syntaxItem (one per parameter set)");
            }

            foreach (XElement item in items)
            {
                if (Text(item.Element(Maml + "name")) != name)
                {
                    problems.Add($"{label}: a command:syntaxItem's maml:name is '{Text(item.Element(Maml + "name"))}', not the command name");
                }

                var positions = new Dictionary<int, string>();
                foreach (XElement parameter in item.Elements(Command + "parameter"))
                {
                    string parameterName = CheckParameter(parameter, label, problems);
                    if (parameterName.Length > 0 && documented.Count > 0 && !documented.Contains(parameterName))
                    {
                        problems.Add($"{label} -{parameterName}: in a syntaxItem but not in command:parameters");
                    }

                    if (int.TryParse((string?)parameter.Attribute("position"), NumberStyles.None, CultureInfo.InvariantCulture, out int position))
                    {
                        if (positions.TryGetValue(position, out string? other))
                        {
                            problems.Add($"{label}: -{other} and -{parameterName} share position {position} in one syntaxItem");
                        }
                        else
                        {
                            positions[position] = parameterName;
                        }
                    }
                }
            }
        }

        CheckTypes(command, Command + "inputTypes", Command + "inputType", label, problems);
        CheckTypes(command, Command + "returnValues", Command + "returnValue", label, problems);

        if (Single(command, Command + "examples", label, problems) is { } examples)
        {
            XElement[] all = examples.Elements(Command + "example").ToArray();
            if (all.Length == 0)
            {
                problems.Add($"{label}: command:examples has no command:example");
            }

            for (int i = 0; i < all.Length; i++)
            {
                XElement example = all[i];
                if (Text(example.Element(Maml + "title")).Length == 0)
                {
                    problems.Add($"{label}: example {i + 1} has no maml:title");
                }

                if (Text(example.Element(Dev + "code")).Length == 0)
                {
                    problems.Add($"{label}: example {i + 1} has no dev:code");
                }

                if (example.Element(Dev + "remarks") is not { } remarks)
                {
                    problems.Add($"{label}: example {i + 1} has no dev:remarks");
                }
                else if (remarks.Elements().Any(e => e.Name != Maml + "para"))
                {
                    problems.Add($"{label}: example {i + 1}: dev:remarks holds only maml:para");
                }
            }
        }

        return name;
    }

    /// <summary>The attributes Get-Help's parameter table is made of; returns the parameter's name.</summary>
    private static string CheckParameter(XElement parameter, string label, List<string> problems)
    {
        string name = Text(parameter.Element(Maml + "name"));
        string who = $"{label} -{(name.Length == 0 ? "?" : name)}";
        if (name.Length == 0)
        {
            problems.Add($"{who}: command:parameter has no maml:name");
        }

        string? required = (string?)parameter.Attribute("required");
        if (required != "true" && required != "false")
        {
            problems.Add($"{who}: required must be \"true\" or \"false\", not {Show(required)}");
        }

        string? position = (string?)parameter.Attribute("position");
        if (position != "named" && !int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"{who}: position must be \"named\" or a number, not {Show(position)}");
        }

        string? pipelineInput = (string?)parameter.Attribute("pipelineInput");
        if (pipelineInput is null || !(pipelineInput.StartsWith("True", StringComparison.OrdinalIgnoreCase) || pipelineInput.StartsWith("False", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{who}: pipelineInput must start with True or False, not {Show(pipelineInput)}");
        }

        foreach (string flag in new[] { "globbing", "variableLength" })
        {
            string? value = (string?)parameter.Attribute(flag);
            if (value is not null && value != "true" && value != "false")
            {
                problems.Add($"{who}: {flag} must be \"true\" or \"false\", not {Show(value)}");
            }
        }

        return name;
    }

    private static void CheckTypes(XElement command, XName list, XName item, string label, List<string> problems)
    {
        if (Single(command, list, label, problems) is not { } types)
        {
            return;
        }

        foreach (XElement type in types.Elements())
        {
            if (type.Name != item)
            {
                problems.Add($"{label}: command:{list.LocalName} holds only command:{item.LocalName}, not {type.Name.LocalName}");
            }
            else if (Text(type.Element(Dev + "type")?.Element(Maml + "name")).Length == 0)
            {
                problems.Add($"{label}: a command:{item.LocalName} has no dev:type/maml:name");
            }
        }
    }

    private static XElement? Single(XElement parent, XName name, string label, List<string> problems)
    {
        XElement[] found = parent.Elements(name).ToArray();
        if (found.Length != 1)
        {
            problems.Add($"{label}: {Prefix(name)}:{name.LocalName} must occur once in command:command, found {found.Length}");
            return null;
        }

        return found[0];
    }

    private static bool HasParagraph(XElement? description) =>
        description is not null
        && description.Elements(Maml + "para").Any(p => Text(p).Length > 0)
        && description.Elements().All(e => e.Name == Maml + "para");

    private static string Text(XElement? element) => element?.Value.Trim() ?? string.Empty;

    private static string Show(string? value) => value is null ? "missing" : $"\"{value}\"";

    private static string Prefix(XName name) =>
        name.Namespace == Maml ? "maml" : name.Namespace == Command ? "command" : name.Namespace == Dev ? "dev" : "msh";

    private static string Where(XElement element) =>
        element is IXmlLineInfo info && info.HasLineInfo() ? $"line {info.LineNumber}" : element.Name.LocalName;
}
