using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>Where things are: the repository (found upwards from the test assembly), the staged module, NuGet.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    public static string StagedModule => Path.Combine(RepoRoot, "out", "PsCredRotate");

    public static string SourceManifest => Path.Combine(RepoRoot, "module", "PsCredRotate.psd1");

    public static string SourceFormatFile => Path.Combine(RepoRoot, "module", "PsCredRotate.format.ps1xml");

    public static string CmdletSources => Path.Combine(RepoRoot, "src", "PsCredRotate");

    /// <summary>The one version number, from Directory.Build.props.</summary>
    public static string Version =>
        XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value.Trim();

    /// <summary>The PowerShellStandard.Library reference assembly, from the NuGet packages folder.</summary>
    public static string PowerShellReferenceAssembly
    {
        get
        {
            string version = XDocument.Load(Path.Combine(RepoRoot, "Directory.Packages.props"))
                .Descendants("PackageVersion")
                .Single(e => string.Equals((string?)e.Attribute("Include"), "PowerShellStandard.Library", StringComparison.OrdinalIgnoreCase))
                .Attribute("Version")!.Value;
            string[] roots =
            [
                Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? string.Empty,
                typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value ?? string.Empty,
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            ];
            foreach (string root in roots.Where(r => r.Length > 0))
            {
                string candidate = Path.Combine(root, "powershellstandard.library", version.ToLowerInvariant(), "lib", "netstandard2.0", "System.Management.Automation.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException($"PowerShellStandard.Library {version} is not in the NuGet packages folder (looked in: {string.Join(", ", roots.Where(r => r.Length > 0))}). Run dotnet restore.");
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PsCredRotate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No PsCredRotate.sln above {AppContext.BaseDirectory}.");
    }
}
