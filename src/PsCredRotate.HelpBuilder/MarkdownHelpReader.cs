using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace PsCredRotate.HelpBuilder;

/// <summary>
/// Reads a cmdlet page in the platyPS layout the docs use: front matter, <c># Name</c>, then the
/// sections SYNOPSIS, SYNTAX (<c>### Set</c> headings), DESCRIPTION, EXAMPLES (<c>### title</c>, a
/// code block, remarks), PARAMETERS (<c>### -Name</c>, text, a <c>yaml</c> block), INPUTS, OUTPUTS,
/// NOTES and RELATED LINKS. A page that lacks what Get-Help needs is an error naming the file.
/// </summary>
internal static class MarkdownHelpReader
{
    private static readonly Regex Link = new(@"^\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)\s*$", RegexOptions.CultureInvariant);

    public static CommandHelp Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string file = Path.GetFileName(path);
        int i = SkipFrontMatter(lines);
        CommandHelp? help = null;
        string section = string.Empty;
        ExampleHelp? example = null;
        ParameterHelp? parameter = null;
        TypeHelp? type = null;
        var paragraph = new StringBuilder();

        void Flush()
        {
            if (paragraph.Length == 0 || help is null)
            {
                return;
            }

            string text = Clean(paragraph.ToString());
            paragraph.Clear();
            switch (section)
            {
                case "SYNOPSIS":
                    help.Synopsis = help.Synopsis.Length == 0 ? text : help.Synopsis + " " + text;
                    break;
                case "DESCRIPTION":
                    help.Description.Add(text);
                    break;
                case "EXAMPLES":
                    example?.Remarks.Add(text);
                    break;
                case "PARAMETERS":
                    parameter?.Description.Add(text);
                    break;
                case "INPUTS":
                case "OUTPUTS":
                    type?.Description.Add(text);
                    break;
                case "NOTES":
                    help.Notes.Add(text);
                    break;
            }
        }

        for (; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                Flush();
                string language = line.Substring(3).Trim();
                var block = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                {
                    block.Add(lines[i]);
                }

                if (i >= lines.Length)
                {
                    throw new FormatException($"{file}: a code block is not closed.");
                }

                if (section == "PARAMETERS" && language == "yaml" && parameter is not null)
                {
                    ReadParameterYaml(parameter, block, file);
                }
                else if (section == "EXAMPLES" && example is not null)
                {
                    if (example.Code.Length == 0)
                    {
                        example.Code = string.Join("\n", block);
                    }
                    else
                    {
                        example.Remarks.Add(string.Join("\n", block));
                    }
                }
                else if (section == "DESCRIPTION" || section == "NOTES")
                {
                    (section == "NOTES" ? help!.Notes : help!.Description).Add(string.Join("\n", block));
                }

                continue;
            }

            if (line.StartsWith("# ", StringComparison.Ordinal) && help is null)
            {
                string name = line.Substring(2).Trim();
                if (!string.Equals(name + ".md", file, StringComparison.Ordinal))
                {
                    throw new FormatException($"{file}: the title '{name}' does not match the file name.");
                }

                help = new CommandHelp { Name = name };
                continue;
            }

            if (help is null)
            {
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                section = line.Substring(3).Trim().ToUpperInvariant();
                example = null;
                parameter = null;
                type = null;
                continue;
            }

            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                Flush();
                string heading = line.Substring(4).Trim();
                switch (section)
                {
                    case "SYNTAX":
                        help.ParameterSets.Add(heading.Replace("(Default)", string.Empty).Trim());
                        break;
                    case "EXAMPLES":
                        example = new ExampleHelp { Title = heading };
                        help.Examples.Add(example);
                        break;
                    case "PARAMETERS":
                        parameter = heading.StartsWith("-", StringComparison.Ordinal) ? new ParameterHelp { Name = heading.Substring(1) } : null;
                        if (parameter is not null)
                        {
                            help.Parameters.Add(parameter);
                        }

                        break;
                    case "INPUTS":
                    case "OUTPUTS":
                        type = new TypeHelp { Name = heading };
                        (section == "INPUTS" ? help.Inputs : help.Outputs).Add(type);
                        break;
                }

                continue;
            }

            if (section == "RELATED LINKS")
            {
                Match m = Link.Match(line.Trim());
                if (m.Success)
                {
                    help.Links.Add((m.Groups["text"].Value, m.Groups["uri"].Value));
                }

                continue;
            }

            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            if (IsListItem(line))
            {
                Flush();
            }

            if (paragraph.Length > 0)
            {
                paragraph.Append(' ');
            }

            paragraph.Append(line.Trim());
        }

        Flush();
        if (help is null)
        {
            throw new FormatException($"{file}: no '# Name' title.");
        }

        Check(help, file);
        return help;
    }

    private static int SkipFrontMatter(string[] lines)
    {
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            return 0;
        }

        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim() == "---")
            {
                return i + 1;
            }
        }

        return lines.Length;
    }

    private static bool IsListItem(string line)
    {
        string t = line.TrimStart();
        return t.StartsWith("- ", StringComparison.Ordinal) || t.StartsWith("* ", StringComparison.Ordinal) || Regex.IsMatch(t, @"^\d+\. ");
    }

    private static void ReadParameterYaml(ParameterHelp parameter, List<string> block, string file)
    {
        foreach (string raw in block)
        {
            int colon = raw.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            string key = raw.Substring(0, colon).Trim();
            string value = raw.Substring(colon + 1).Trim();
            switch (key)
            {
                case "Type":
                    parameter.Type = value;
                    break;
                case "Parameter Sets":
                    parameter.Sets.AddRange(Split(value));
                    break;
                case "Aliases":
                    parameter.Aliases.AddRange(Split(value));
                    break;
                case "Required":
                    parameter.Required = Bool(value, key, parameter, file);
                    ReadPerSet(parameter.RequiredBySet, value, key, parameter, file);
                    break;
                case "Position":
                    parameter.Position = value;
                    break;
                case "Default value":
                    parameter.DefaultValue = value.Length == 0 ? "None" : value;
                    break;
                case "Accept pipeline input":
                    parameter.PipelineInput = value;
                    break;
                case "Accept wildcard characters":
                    parameter.Globbing = Bool(value, key, parameter, file);
                    break;
            }
        }
    }

    private static readonly Regex PerSet = new(@"(?<value>True|False)\s*\((?<sets>[^)]*)\)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>platyPS writes "True (SetA, SetB), False (SetC)" when a value differs by set.</summary>
    private static void ReadPerSet(Dictionary<string, bool> bySet, string value, string key, ParameterHelp parameter, string file)
    {
        foreach (Match m in PerSet.Matches(value))
        {
            bool flag = string.Equals(m.Groups["value"].Value, "True", StringComparison.OrdinalIgnoreCase);
            foreach (string set in Split(m.Groups["sets"].Value))
            {
                if (bySet.TryGetValue(set, out bool other) && other != flag)
                {
                    throw new FormatException($"{file}: -{parameter.Name}: '{key}: {value}' names the set {set} twice.");
                }

                bySet[set] = flag;
            }
        }

        // Required in some set counts as required (the parameters section shows one value).
        if (bySet.ContainsValue(true))
        {
            parameter.Required = true;
        }
    }

    private static IEnumerable<string> Split(string value) =>
        value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0);

    private static bool Bool(string value, string key, ParameterHelp parameter, string file)
    {
        // platyPS writes "True (SetA) False (SetB)" when it differs by set: required in any set counts.
        if (value.StartsWith("True", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.StartsWith("False", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new FormatException($"{file}: -{parameter.Name}: '{key}: {value}' is not True or False.");
    }

    private static void Check(CommandHelp help, string file)
    {
        if (help.Synopsis.Length == 0)
        {
            throw new FormatException($"{file}: the SYNOPSIS is empty.");
        }

        if (help.Examples.Count == 0 || help.Examples.Any(e => e.Code.Trim().Length == 0))
        {
            throw new FormatException($"{file}: every cmdlet needs at least one example, each with a code block.");
        }

        string? duplicate = help.Parameters.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new FormatException($"{file}: -{duplicate} is documented twice.");
        }
    }

    /// <summary>Markdown emphasis and code marks are noise in a console; links keep their text.</summary>
    private static string Clean(string text)
    {
        text = Regex.Replace(text, @"\[([^\]]+)\]\([^)]*\)", "$1");
        return text.Replace("**", string.Empty).Replace("`", string.Empty);
    }
}
