using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using PsCredRotate.Module.Tests.Infrastructure;
using PsCredRotate.Module.Tests.Loading;

namespace PsCredRotate.Module.Tests;

/// <summary>
/// The module loads beside other modules in PowerShell 7.4+: no staged assembly is newer than what
/// PowerShell 7.4 ships in-box (its .NET 8 runtime, and $PSHOME), read from the staged files'
/// metadata. The choice is written down in docs/compatibility.md.
/// </summary>
public sealed class DependencyVersionContractTests
{
    /// <summary>
    /// What PowerShell 7.4 serves in-box for the names the module ships. The .NET 8 shared framework
    /// for all but Microsoft.Bcl.AsyncInterfaces, which is not part of .NET but of $PSHOME:
    /// PowerShell 7.4 was reported to ship 5.0.0.0 there (PowerShell/PowerShell issue #21324), the floor to plan for.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, Version> PowerShell74InBox = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Text.Json"] = new(8, 0, 0, 0),
        ["System.Text.Encodings.Web"] = new(8, 0, 0, 0),
        ["System.Memory"] = new(8, 0, 0, 0),
        ["System.Buffers"] = new(8, 0, 0, 0),
        ["System.Numerics.Vectors"] = new(8, 0, 0, 0),
        ["System.Runtime.CompilerServices.Unsafe"] = new(8, 0, 0, 0),
        ["System.Threading.Tasks.Extensions"] = new(8, 0, 0, 0),
        ["Microsoft.Bcl.AsyncInterfaces"] = new(5, 0, 0, 0),
    };

    /// <summary>Not in .NET's shared framework: PowerShell resolves it from $PSHOME, not the runtime pack.</summary>
    private static readonly string[] InPsHomeNotInRuntime = ["Microsoft.Bcl.AsyncInterfaces"];

    /// <summary>
    /// Shipped for Windows PowerShell only and newer than 7.4's copy: reached only through the
    /// netstandard2.0 System.Text.Json, which PowerShell 7 never loads (its runtime's own serves the
    /// reference). <see cref="On_PowerShell_7_the_module_reaches_only_in_box_assemblies_no_newer_than_7_4s_and_its_own_files"/> proves it.
    /// </summary>
    private static readonly string[] WindowsPowerShellOnly = ["Microsoft.Bcl.AsyncInterfaces"];

    private static readonly string[] Platform = ["netstandard", "mscorlib", "System.Management.Automation"];

    [Fact]
    public void The_in_box_table_is_the_dotnet_8_shared_framework_PowerShell_7_4_runs_on()
    {
        string refPack = DotNet8ReferencePack();
        foreach ((string name, Version version) in PowerShell74InBox.Where(e => !InPsHomeNotInRuntime.Contains(e.Key)))
        {
            string path = Path.Combine(refPack, name + ".dll");
            Assert.True(File.Exists(path), $"{name} is not in the .NET 8 reference pack {refPack}.");
            Assert.Equal(version, AssemblyName.GetAssemblyName(path).Version);
        }

        Assert.All(InPsHomeNotInRuntime, n => Assert.False(File.Exists(Path.Combine(refPack, n + ".dll"))));
    }

    [Fact]
    public void No_staged_assembly_is_newer_than_PowerShell_7_4_ships_it_in_box()
    {
        var tooNew = new List<string>();
        foreach (string path in StagedAssemblies())
        {
            AssemblyName name = AssemblyName.GetAssemblyName(path);
            if (PowerShell74InBox.TryGetValue(name.Name!, out Version? inBox) && name.Version > inBox && !WindowsPowerShellOnly.Contains(name.Name))
            {
                tooNew.Add($"{name.Name} {name.Version} > {inBox}");
            }
        }

        Assert.Empty(tooNew);
    }

    [Fact]
    public void On_PowerShell_7_the_module_reaches_only_in_box_assemblies_no_newer_than_7_4s_and_its_own_files()
    {
        // From the cmdlet assembly, follow references as PowerShell 7 binds them: an in-box name is
        // served by the runtime (and not followed further), anything else must be a staged file.
        var staged = StagedAssemblies().ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase);
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var queue = new Queue<string>([staged["PsCredRotate"]]);
        reached.Add("PsCredRotate");
        while (queue.Count > 0)
        {
            foreach (AssemblyName reference in DependencyResolverTests.References(queue.Dequeue()))
            {
                string name = reference.Name!;
                if (Platform.Contains(name) || !reached.Add(name))
                {
                    continue;
                }

                if (PowerShell74InBox.TryGetValue(name, out Version? inBox))
                {
                    if (reference.Version > inBox)
                    {
                        problems.Add($"{name} {reference.Version} is requested; PowerShell 7.4 has {inBox}");
                    }
                }
                else if (staged.TryGetValue(name, out string? path))
                {
                    queue.Enqueue(path);
                }
                else
                {
                    problems.Add($"{name} is neither in-box nor staged");
                }
            }
        }

        Assert.Empty(problems);
        Assert.Equal(new[] { "BouncyCastle.Crypto", "PsCredRotate", "PsCredRotate.Core", "System.Memory", "System.Text.Encodings.Web", "System.Text.Json" }, reached);
        Assert.DoesNotContain(WindowsPowerShellOnly, reached.Contains);
    }

    [Fact]
    public void PowerShells_own_assembly_is_not_staged_and_only_the_cmdlet_assembly_references_it()
    {
        Assert.DoesNotContain(StagedAssemblies(), p => Path.GetFileName(p).Equals("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase));
        string[] referencing = StagedAssemblies()
            .Where(p => DependencyResolverTests.References(p).Any(r => r.Name == "System.Management.Automation"))
            .Select(Path.GetFileName)
            .ToArray()!;

        Assert.Equal(new[] { "PsCredRotate.dll" }, referencing);

        // 3.0.0.0 is the version both Windows PowerShell 5.1 and PowerShell 7 answer to.
        Assert.Equal(new Version(3, 0, 0, 0), DependencyResolverTests.References(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.dll")).Single(r => r.Name == "System.Management.Automation").Version);
    }

    [Theory]
    [InlineData("System.Text.Json", 8)]
    [InlineData("Portable.BouncyCastle", 1)]
    public void The_shipped_packages_are_pinned_to_the_major_version_documented_in_compatibility_md(string package, int major)
    {
        string version = XDocument.Load(Path.Combine(RepoPaths.RepoRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package)
            .Attribute("Version")!.Value;

        Assert.Equal(major, Version.Parse(version).Major);
        Assert.Contains($"{package} {version}", File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "docs", "compatibility.md")), StringComparison.Ordinal);
    }

    private static string[] StagedAssemblies() => Directory.GetFiles(RepoPaths.StagedModule, "*.dll");

    private static string DotNet8ReferencePack()
    {
        string[] roots =
        [
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? string.Empty,
            typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value ?? string.Empty,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        ];
        string? pack = roots.Where(r => r.Length > 0)
            .Select(r => Path.Combine(r, "microsoft.netcore.app.ref"))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetDirectories)
            .Where(d => Path.GetFileName(d).StartsWith("8.0.", StringComparison.Ordinal))
            .Select(d => Path.Combine(d, "ref", "net8.0"))
            .FirstOrDefault(Directory.Exists);

        // This test project targets net8.0, so restoring it brings the .NET 8 reference pack.
        return pack ?? throw new DirectoryNotFoundException("The .NET 8 reference pack (microsoft.netcore.app.ref 8.0.x) is not in the NuGet packages folder; run dotnet restore.");
    }
}
