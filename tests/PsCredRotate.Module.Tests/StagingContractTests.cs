using System;
using System.IO;
using System.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>The staged module folder holds exactly what ships, and never PowerShell's own assembly.</summary>
public sealed class StagingContractTests
{
    // Deliberately repeated from src/PsCredRotate/PsCredRotate.csproj: a new runtime dependency must
    // be added in both places, on purpose.
    private static readonly string[] ShippedFiles =
    [
        "PsCredRotate.psd1",
        "PsCredRotate.format.ps1xml",
        "PsCredRotate.dll",
        "PsCredRotate.Core.dll",
        "BouncyCastle.Crypto.dll",
        "System.Text.Json.dll",
        "System.Text.Encodings.Web.dll",
        "System.Memory.dll",
        "System.Buffers.dll",
        "System.Numerics.Vectors.dll",
        "System.Runtime.CompilerServices.Unsafe.dll",
        "System.Threading.Tasks.Extensions.dll",
        "Microsoft.Bcl.AsyncInterfaces.dll",
        // Get-Help's source, generated from docs/cmdlets.
        "en-US",
        Path.Combine("en-US", "PsCredRotate.dll-Help.xml"),
        // The conceptual help topics (Get-Help about_PsCredRotate), copied from module/en-US.
        Path.Combine("en-US", "about_PsCredRotate.help.txt"),
        Path.Combine("en-US", "about_PsCredRotate_Rotation.help.txt"),
    ];

    [Fact]
    public void The_staged_folder_holds_exactly_the_shipped_files()
    {
        string[] staged = Directory.GetFileSystemEntries(RepoPaths.StagedModule, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.StagedModule, p))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(ShippedFiles.OrderBy(n => n, StringComparer.Ordinal), staged);
    }

    [Fact]
    public void PowerShells_reference_assembly_is_never_staged()
    {
        Assert.False(File.Exists(Path.Combine(RepoPaths.StagedModule, "System.Management.Automation.dll")));
        Assert.DoesNotContain("System.Management.Automation.dll", ShippedFiles);
    }

    [Fact]
    public void The_staged_format_file_is_the_source_format_file() =>
        Assert.Equal(File.ReadAllBytes(RepoPaths.SourceFormatFile), File.ReadAllBytes(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.format.ps1xml")));

    [Theory]
    [InlineData("about_PsCredRotate.help.txt")]
    [InlineData("about_PsCredRotate_Rotation.help.txt")]
    public void The_staged_about_topic_is_the_source_topic(string file) =>
        Assert.Equal(File.ReadAllBytes(Path.Combine(RepoPaths.RepoRoot, "module", "en-US", file)), File.ReadAllBytes(Path.Combine(RepoPaths.StagedModule, "en-US", file)));

    [Fact]
    public void Every_source_about_topic_is_staged_and_has_the_classic_layout()
    {
        string[] topics = Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "module", "en-US"), "about_*.help.txt");

        Assert.NotEmpty(topics);
        foreach (string topic in topics)
        {
            string name = Path.GetFileName(topic);
            Assert.True(File.Exists(Path.Combine(RepoPaths.StagedModule, "en-US", name)), $"{name} is not staged");
            string[] lines = File.ReadAllLines(topic);
            string title = name.Substring(0, name.Length - ".help.txt".Length);
            Assert.Equal("TOPIC", lines[0]);
            Assert.Equal("    " + title, lines[1]);
            int shortAt = Array.IndexOf(lines, "SHORT DESCRIPTION");
            int longAt = Array.IndexOf(lines, "LONG DESCRIPTION");
            int seeAlsoAt = Array.IndexOf(lines, "SEE ALSO");
            Assert.True(shortAt > 1 && longAt > shortAt && seeAlsoAt > longAt, $"{name}: TOPIC, SHORT DESCRIPTION, LONG DESCRIPTION, ..., SEE ALSO in that order");
            Assert.All(lines, l => Assert.True(l.Length <= 80, $"{name}: a line longer than 80 columns: {l}"));
        }
    }

    [Fact]
    public void Every_staged_assembly_the_module_references_is_staged_or_part_of_the_platform()
    {
        string[] platform = ["netstandard", "mscorlib", "System.Management.Automation"];
        string[] missing = new[] { ModuleAssembly.Cmdlets, ModuleAssembly.Core }
            .SelectMany(a => a.GetReferencedAssemblies())
            .Select(n => n.Name!)
            .Where(n => !platform.Contains(n, StringComparer.Ordinal))
            .Where(n => !File.Exists(Path.Combine(RepoPaths.StagedModule, n + ".dll")))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        Assert.Empty(missing);
    }
}
