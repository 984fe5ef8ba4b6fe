using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>The format file is valid, names real types and properties, and has a view per output type.</summary>
public sealed class FormatFileContractTests
{
    private static readonly Lazy<XDocument> Format = new(() => XDocument.Load(RepoPaths.SourceFormatFile));

    private static IEnumerable<XElement> Views => Format.Value.Root!.Element("ViewDefinitions")!.Elements("View");

    [Fact]
    public void The_format_file_has_the_shape_PowerShell_reads()
    {
        XElement root = Format.Value.Root!;

        Assert.Equal("Configuration", root.Name.LocalName);
        Assert.Equal(XNamespace.None, root.Name.Namespace);
        Assert.NotEmpty(Views);
        Assert.All(Views, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)v.Element("Name")));
            Assert.NotEmpty(v.Element("ViewSelectedBy")!.Elements("TypeName"));
            Assert.Single(v.Elements(), e => e.Name.LocalName is "TableControl" or "ListControl" or "WideControl" or "CustomControl");
        });
        Assert.Equal(Views.Count(), Views.Select(v => (string)v.Element("Name")!).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_table_has_as_many_headers_as_columns()
    {
        foreach (XElement table in Views.Select(v => v.Element("TableControl")).OfType<XElement>())
        {
            int headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            Assert.All(
                table.Element("TableRowEntries")!.Elements("TableRowEntry"),
                row => Assert.Equal(headers, row.Element("TableColumnItems")!.Elements("TableColumnItem").Count()));
        }
    }

    [Fact]
    public void Every_view_selects_a_public_type_of_the_module()
    {
        string[] unknown = Views.SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName"))
            .Select(t => t.Value.Trim())
            .Where(name => ModuleAssembly.FindModuleType(name) is null)
            .ToArray();

        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_column_reads_a_public_property_of_the_viewed_type()
    {
        var problems = new List<string>();
        var reference = new Regex(@"\$_\.(\w+)", RegexOptions.CultureInvariant);
        foreach (XElement view in Views)
        {
            Type type = ModuleAssembly.FindModuleType(view.Element("ViewSelectedBy")!.Element("TypeName")!.Value.Trim())!;
            var properties = new HashSet<string>(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
            IEnumerable<string> used = view.Descendants("PropertyName").Select(p => p.Value.Trim())
                .Concat(view.Descendants("ScriptBlock").SelectMany(s => reference.Matches(s.Value).Select(m => m.Groups[1].Value)));
            problems.AddRange(used.Where(p => !properties.Contains(p)).Select(p => $"{type.Name} has no public property '{p}'."));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_output_type_of_the_module_has_a_view()
    {
        var viewed = new HashSet<string>(Views.SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName")).Select(t => t.Value.Trim()), StringComparer.Ordinal);
        string[] missing = ModuleAssembly.AllCmdlets
            .SelectMany(c => c.OutputTypes)
            .Where(ModuleAssembly.IsModuleType)
            .Distinct(StringComparer.Ordinal)
            .Where(t => !viewed.Contains(t))
            .ToArray();

        Assert.Empty(missing);
        Assert.Contains("PsCredRotate.Core.Keys.RotationKey", viewed);
        Assert.Contains("PsCredRotate.Core.Jose.ClientAssertion", viewed);
    }

    [Fact]
    public void No_view_shows_a_method_call_or_a_secret()
    {
        // Views reach data only through properties; a method (RevealCompactSerialization,
        // ToSecureString) or a private member in a view would put a credential on screen.
        string[] scripts = Views.Descendants("ScriptBlock").Select(s => s.Value).ToArray();

        Assert.All(scripts, s => Assert.DoesNotMatch(@"\$_\.\w+\s*\(", s));
        Assert.All(scripts, s => Assert.DoesNotMatch("(?i)reveal|securestring|material|private", s));
    }
}
