using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>The module manifest, source and staged, agrees with the compiled module.</summary>
public sealed class ManifestContractTests
{
    private static readonly Lazy<Dictionary<string, object?>> Source = new(() => Psd1.Parse(File.ReadAllText(RepoPaths.SourceManifest)));
    private static readonly Lazy<Dictionary<string, object?>> Staged = new(() => Psd1.Parse(File.ReadAllText(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.psd1"))));

    [Fact]
    public void CmdletsToExport_equals_the_compiled_cmdlets_exactly()
    {
        string[] exported = Strings(Source.Value, "CmdletsToExport").OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
        string[] compiled = ModuleAssembly.AllCmdlets.Select(c => c.CommandName).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();

        Assert.Equal(compiled, exported);
        Assert.DoesNotContain(exported, n => n.Contains('*', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("AliasesToExport")]
    [InlineData("VariablesToExport")]
    public void The_module_exports_nothing_but_cmdlets(string key) =>
        Assert.Empty(Strings(Source.Value, key));

    [Fact]
    public void The_source_manifest_leaves_the_version_to_the_build() =>
        Assert.Equal("0.0.0", Source.Value["ModuleVersion"]);

    [Fact]
    public void The_staged_manifest_carries_the_one_version_number()
    {
        var manifestVersion = Version.Parse((string)Staged.Value["ModuleVersion"]!);
        Version assemblyVersion = ModuleAssembly.Cmdlets.GetName().Version!;
        string propsVersion = RepoPaths.Version;

        Assert.Equal(propsVersion.Split('-')[0], manifestVersion.ToString());
        Assert.Equal(new Version(manifestVersion.Major, manifestVersion.Minor, Math.Max(manifestVersion.Build, 0), 0), assemblyVersion);
    }

    [Fact]
    public void The_staged_manifest_is_the_source_manifest_with_the_version_filled_in()
    {
        var staged = new Dictionary<string, object?>(Staged.Value, StringComparer.OrdinalIgnoreCase);
        var source = new Dictionary<string, object?>(Source.Value, StringComparer.OrdinalIgnoreCase);
        staged.Remove("ModuleVersion");
        source.Remove("ModuleVersion");

        Assert.Equal(Flatten(source), Flatten(staged));
    }

    [Fact]
    public void The_manifest_loads_the_binary_module_in_both_editions()
    {
        Dictionary<string, object?> m = Source.Value;

        Assert.Equal("PsCredRotate.dll", m["RootModule"]);
        Assert.Equal(new[] { "Desktop", "Core" }, Strings(m, "CompatiblePSEditions"));
        Assert.Equal("5.1", m["PowerShellVersion"]);
        Assert.Equal(new[] { "PsCredRotate.format.ps1xml" }, Strings(m, "FormatsToProcess"));
        Assert.True(Guid.TryParse((string?)m["GUID"], out Guid guid) && guid != Guid.Empty);
        Assert.All(new[] { "Author", "CompanyName", "Copyright", "Description" }, k => Assert.False(string.IsNullOrWhiteSpace((string?)m[k])));
        Assert.True(File.Exists(Path.Combine(RepoPaths.StagedModule, (string)m["RootModule"]!)));
    }

    [Fact]
    public void The_gallery_tags_name_the_providers_and_both_editions()
    {
        var psData = (Dictionary<string, object?>)((Dictionary<string, object?>)Source.Value["PrivateData"]!)["PSData"]!;
        string[] tags = ((List<object?>)psData["Tags"]!).Cast<string>().ToArray();

        Assert.Subset(new HashSet<string>(tags), new HashSet<string> { "Auth0", "Dfns", "OIDC", "private_key_jwt", "JWK", "PSEdition_Core", "PSEdition_Desktop" });
        Assert.All(tags, t => Assert.DoesNotContain(' ', t));
        Assert.False(string.IsNullOrWhiteSpace((string?)psData["ReleaseNotes"]));
    }

    [Fact]
    public void The_gallery_metadata_is_complete_for_Publish_PSResource()
    {
        Dictionary<string, object?> psData = PsData(Source.Value);

        Assert.All(new[] { "Tags", "ProjectUri", "LicenseUri", "ReleaseNotes" }, k => Assert.True(psData.ContainsKey(k), $"PSData.{k} is missing."));
        Assert.All(new[] { "ProjectUri", "LicenseUri" }, k =>
        {
            Assert.True(Uri.TryCreate((string?)psData[k], UriKind.Absolute, out Uri? uri), $"PSData.{k} is not an absolute URI.");
            Assert.Equal(Uri.UriSchemeHttps, uri!.Scheme);
        });
        Assert.StartsWith((string)psData["ProjectUri"]! + "/", (string)psData["LicenseUri"]!, StringComparison.Ordinal);
        Assert.EndsWith("/LICENSE", (string)psData["LicenseUri"]!, StringComparison.Ordinal);

        // A nuspec description holds at most 4000 characters.
        var description = (string)Source.Value["Description"]!;
        Assert.InRange(description.Length, 40, 4000);
    }

    [Fact]
    public void The_license_the_manifest_points_to_is_the_MIT_license_of_the_contributors()
    {
        string license = File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "LICENSE"));

        Assert.StartsWith("MIT License", license, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) PsCredRotate contributors", license, StringComparison.Ordinal);
        Assert.Contains("THE SOFTWARE IS PROVIDED \"AS IS\"", license, StringComparison.Ordinal);
    }

    [Fact]
    public void The_release_notes_are_for_the_version_being_built_and_name_every_exported_cmdlet_or_its_family()
    {
        var notes = (string)PsData(Source.Value)["ReleaseNotes"]!;

        Assert.StartsWith(RepoPaths.Version + ":", notes, StringComparison.Ordinal);

        // "Get/Add/Remove-ClientCredential" names three cmdlets: expand the slashes before the dash
        // (verbs may have inner capitals: ConvertTo).
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(notes, @"((?:[A-Z][A-Za-z]+/)*[A-Z][A-Za-z]+)-(\*?[A-Za-z0-9]+)"))
        {
            foreach (string verb in m.Groups[1].Value.Split('/'))
            {
                named.Add(verb + "-" + m.Groups[2].Value);
            }
        }

        string[] unnamed = Strings(Source.Value, "CmdletsToExport")
            .Where(c => !named.Contains(c) && !named.Contains("*-" + c.Split('-')[1]))
            .ToArray();
        Assert.Empty(unnamed);
    }

    [Fact]
    public void Author_company_and_copyright_are_the_ones_of_Directory_Build_props()
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.RepoRoot, "Directory.Build.props"));
        string Prop(string name) => props.Descendants(name).Single().Value.Trim();

        Assert.Equal(Prop("Authors"), Source.Value["Author"]);
        Assert.Equal(Prop("Authors"), Source.Value["CompanyName"]);
        Assert.Equal(Prop("Copyright"), Source.Value["Copyright"]);
    }

    [Fact]
    public void The_manifest_is_ascii_so_Windows_PowerShell_reads_it_without_a_byte_order_mark() =>
        Assert.All(File.ReadAllBytes(RepoPaths.SourceManifest), b => Assert.True(b < 0x80));

    private static Dictionary<string, object?> PsData(Dictionary<string, object?> manifest) =>
        (Dictionary<string, object?>)((Dictionary<string, object?>)manifest["PrivateData"]!)["PSData"]!;

    private static string[] Strings(Dictionary<string, object?> table, string key) =>
        table[key] switch
        {
            string s => [s],
            List<object?> list => list.Cast<string>().ToArray(),
            var other => throw new InvalidDataException($"{key} is {other?.GetType().Name ?? "null"}, not strings."),
        };

    private static List<string> Flatten(object? value, string prefix = "")
    {
        var lines = new List<string>();
        switch (value)
        {
            case Dictionary<string, object?> table:
                foreach (KeyValuePair<string, object?> entry in table.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
                {
                    lines.AddRange(Flatten(entry.Value, prefix + "/" + entry.Key));
                }

                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++)
                {
                    lines.AddRange(Flatten(list[i], $"{prefix}[{i}]"));
                }

                break;
            default:
                lines.Add($"{prefix}={value}");
                break;
        }

        return lines;
    }
}
