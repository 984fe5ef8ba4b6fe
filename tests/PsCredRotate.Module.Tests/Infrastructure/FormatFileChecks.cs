using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// The checks on a format file (PsCredRotate.format.ps1xml), each returning what is wrong as
/// sentences (empty: nothing). They take the document and a type lookup, so the tests can run them
/// on the real file and on broken samples (proving that a mistake is caught).
/// </summary>
internal static class FormatFileChecks
{
    /// <summary>The widest column a view may declare: wider ones push the others off an ordinary console.</summary>
    public const int MaxColumnWidth = 60;

    // $_.A, $_.A.B, ... (a member chain read from the row's object); group 2: it ends in a method call.
    private static readonly Regex MemberChain = new(@"\$_((?:\.\w+)+)(\s*\()?", RegexOptions.CultureInvariant);

    // Properties whose value is a secret or holds one: never shown, only tested for $null.
    private static readonly HashSet<string> SecretTypes = new(StringComparer.Ordinal)
    {
        "System.Security.SecureString",
        "PsCredRotate.Core.Keys.RotationKey",
    };

    private static readonly Regex SecretNames = new("(?i)^(secret|clientsecret|token|accesstoken|registrationaccesstoken|privatekey|password|assertion|compactserialization|newkey|key)$", RegexOptions.CultureInvariant);

    public static IEnumerable<XElement> Views(XDocument format) =>
        format.Root?.Element("ViewDefinitions")?.Elements("View") ?? Enumerable.Empty<XElement>();

    public static IEnumerable<string> ViewedTypeNames(XDocument format) =>
        Views(format).SelectMany(v => v.Element("ViewSelectedBy")?.Elements("TypeName") ?? Enumerable.Empty<XElement>()).Select(t => t.Value.Trim());

    /// <summary>Root Configuration without a namespace; every view named (uniquely), selecting a type, with one control.</summary>
    public static IEnumerable<string> ShapeProblems(XDocument format)
    {
        XElement? root = format.Root;
        if (root is null || root.Name != XName.Get("Configuration"))
        {
            yield return "The root element is not <Configuration> (without a namespace).";
            yield break;
        }

        if (!Views(format).Any())
        {
            yield return "There is no <ViewDefinitions>/<View>.";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (XElement view in Views(format))
        {
            string name = ((string?)view.Element("Name"))?.Trim() ?? string.Empty;
            if (name.Length == 0)
            {
                yield return "A view has no <Name>.";
            }
            else if (!names.Add(name))
            {
                yield return $"The view name '{name}' is used twice.";
            }

            if (view.Element("ViewSelectedBy")?.Elements("TypeName").Any() != true)
            {
                yield return $"View '{name}' selects no <TypeName>.";
            }

            int controls = view.Elements().Count(e => e.Name.LocalName is "TableControl" or "ListControl" or "WideControl" or "CustomControl");
            if (controls != 1)
            {
                yield return $"View '{name}' has {controls} controls; PowerShell reads exactly one.";
            }
        }
    }

    /// <summary>Every table row has one item per header; every header but the last has a readable width.</summary>
    public static IEnumerable<string> TableProblems(XDocument format)
    {
        foreach (XElement view in Views(format))
        {
            string name = (string?)view.Element("Name") ?? "?";
            XElement? table = view.Element("TableControl");
            if (table is null)
            {
                continue;
            }

            List<XElement> headers = table.Element("TableHeaders")?.Elements("TableColumnHeader").ToList() ?? new List<XElement>();
            foreach (XElement row in table.Element("TableRowEntries")?.Elements("TableRowEntry") ?? Enumerable.Empty<XElement>())
            {
                int items = row.Element("TableColumnItems")?.Elements("TableColumnItem").Count() ?? 0;
                if (items != headers.Count)
                {
                    yield return $"View '{name}' has {headers.Count} headers but a row of {items} columns.";
                }
            }

            for (int i = 0; i < headers.Count; i++)
            {
                string label = ((string?)headers[i].Element("Label"))?.Trim() ?? string.Empty;
                string? widthText = (string?)headers[i].Element("Width");
                if (label.Length == 0)
                {
                    yield return $"View '{name}' column {i + 1} has no <Label>.";
                }

                if (widthText is null)
                {
                    if (i < headers.Count - 1)
                    {
                        yield return $"View '{name}' column '{label}' has no <Width>; only the last column may take the rest of the line.";
                    }

                    continue;
                }

                if (!int.TryParse(widthText.Trim(), out int width) || width < label.Length || width > MaxColumnWidth)
                {
                    yield return $"View '{name}' column '{label}' has width '{widthText}': it must fit its label ({label.Length}) and stay at most {MaxColumnWidth}.";
                }
            }
        }
    }

    /// <summary>Every selected type name is a public type of the module.</summary>
    public static IEnumerable<string> UnknownTypeProblems(XDocument format, Func<string, Type?> findType) =>
        ViewedTypeNames(format).Where(n => findType(n) is null).Select(n => $"'{n}' is not a public type of the module.");

    /// <summary>
    /// Every PropertyName and every member chain in a ScriptBlock ($_.A.B) reads public properties
    /// that exist: A on the viewed type, B on A's type (through Nullable and collection elements).
    /// </summary>
    public static IEnumerable<string> PropertyProblems(XDocument format, Func<string, Type?> findType)
    {
        foreach ((Type type, XElement view) in ViewedTypes(format, findType))
        {
            foreach (string property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                if (FindProperty(type, property) is null)
                {
                    yield return $"{type.Name} has no public property '{property}'.";
                }
            }

            foreach (string chain in ScriptChains(view))
            {
                Type current = type;
                foreach (string member in chain.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    PropertyInfo? found = FindProperty(current, member);
                    if (found is null)
                    {
                        yield return $"{type.Name}: '$_{chain}' reads '{member}', which {current.Name} does not have.";
                        break;
                    }

                    current = Unwrap(found.PropertyType);
                }
            }
        }
    }

    /// <summary>No column shows a secret: a property of a secret type or name is only tested for $null.</summary>
    public static IEnumerable<string> SecretProblems(XDocument format, Func<string, Type?> findType)
    {
        foreach ((Type type, XElement view) in ViewedTypes(format, findType))
        {
            foreach (string property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                if (IsSecret(FindProperty(type, property), property))
                {
                    yield return $"{type.Name}: the column '{property}' shows a secret.";
                }
            }

            foreach (XElement script in view.Descendants("ScriptBlock"))
            {
                // A null test says only whether the secret is there: strip those, then nothing may read it.
                string rest = Regex.Replace(script.Value, @"\$null\s+-ne\s+\$_\.\w+\b(?!\.)", string.Empty);
                foreach (string chain in Chains(rest))
                {
                    string[] members = chain.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries);
                    Type current = type;
                    PropertyInfo? last = null;
                    foreach (string member in members)
                    {
                        last = FindProperty(current, member);
                        if (last is null)
                        {
                            break;
                        }

                        current = Unwrap(last.PropertyType);
                    }

                    if (IsSecret(last, members[members.Length - 1]))
                    {
                        yield return $"{type.Name}: a script column reads the secret '$_{chain}'.";
                    }
                }
            }
        }
    }

    /// <summary>Scripts reach data only through properties: a method call could put a credential on screen.</summary>
    public static IEnumerable<string> MethodCallProblems(XDocument format)
    {
        foreach (XElement script in Views(format).Descendants("ScriptBlock"))
        {
            // ToString (of a date, say) is the one method a view may call: it never shows a secret.
            foreach (Match call in Regex.Matches(script.Value, @"\$_(?:\.\w+)*\.(\w+)\s*\("))
            {
                if (!string.Equals(call.Groups[1].Value, "ToString", StringComparison.Ordinal))
                {
                    yield return $"A script column calls the method '{call.Groups[1].Value}': {script.Value.Trim()}";
                }
            }

            if (Regex.IsMatch(script.Value, "(?i)reveal|securestring|material|private"))
            {
                yield return $"A script column names key material or a secret accessor: {script.Value.Trim()}";
            }
        }
    }

    /// <summary>Output types (full names) of the module with no view.</summary>
    public static IEnumerable<string> CoverageProblems(XDocument format, IEnumerable<string> outputTypes)
    {
        var viewed = new HashSet<string>(ViewedTypeNames(format), StringComparer.Ordinal);
        return outputTypes.Where(ModuleAssembly.IsModuleType).Distinct(StringComparer.Ordinal)
            .Where(t => !viewed.Contains(t))
            .Select(t => $"The output type {t} has no view.");
    }

    private static IEnumerable<(Type Type, XElement View)> ViewedTypes(XDocument format, Func<string, Type?> findType)
    {
        foreach (XElement view in Views(format))
        {
            foreach (XElement name in view.Element("ViewSelectedBy")?.Elements("TypeName") ?? Enumerable.Empty<XElement>())
            {
                if (findType(name.Value.Trim()) is { } type)
                {
                    yield return (type, view);
                }
            }
        }
    }

    private static IEnumerable<string> ScriptChains(XElement view) =>
        view.Descendants("ScriptBlock").SelectMany(s => Chains(s.Value));

    /// <summary>The property chains a script reads (".A.B"): a trailing method call is not a property.</summary>
    private static IEnumerable<string> Chains(string script)
    {
        foreach (Match match in MemberChain.Matches(script))
        {
            string chain = match.Groups[1].Value;
            if (match.Groups[2].Success)
            {
                chain = chain.Substring(0, chain.LastIndexOf('.'));
            }

            if (chain.Length > 0)
            {
                yield return chain;
            }
        }
    }

    private static bool IsSecret(PropertyInfo? property, string name) =>
        SecretNames.IsMatch(name) || (property is not null && SecretTypes.Contains(Unwrap(property.PropertyType).FullName ?? string.Empty));

    /// <summary>A public instance property by name (case-insensitive, as PowerShell reads it), also from interfaces.</summary>
    private static PropertyInfo? FindProperty(Type type, string name)
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;
        PropertyInfo? found = type.GetProperty(name, Flags);
        if (found is not null)
        {
            return found;
        }

        foreach (Type candidate in type.GetInterfaces())
        {
            found = candidate.GetProperty(name, Flags);
            if (found is not null)
            {
                return found;
            }
        }

        // PowerShell enumerates a collection's members: $_.Items.Name reads each element's Name.
        Type? element = ElementType(type);
        return element is null || element == type ? null : FindProperty(element, name);
    }

    private static Type Unwrap(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.FullName == "System.String")
        {
            return null;
        }

        Type? enumerable = type.GetInterfaces().Concat(new[] { type })
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IEnumerable`1");
        return enumerable?.GetGenericArguments()[0];
    }
}
