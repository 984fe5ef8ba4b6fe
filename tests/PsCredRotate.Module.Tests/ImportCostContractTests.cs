using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>
/// Import stays cheap: at Import-Module nothing of the module runs but PowerShell's reading of the
/// cmdlet types and the assembly initializer, which touches no dependency. The measurement is
/// tools/Measure-ImportTime.ps1; tests/Pester/Package.Tests.ps1 checks the loaded assemblies in a
/// fresh process.
/// </summary>
public sealed class ImportCostContractTests
{
    private const string InitializerInterface = "System.Management.Automation.IModuleAssemblyInitializer";
    private const string CleanupInterface = "System.Management.Automation.IModuleAssemblyCleanup";
    private const string LoadingNamespace = "PsCredRotate.Loading";

    [Theory]
    [InlineData("PsCredRotate.dll")]
    [InlineData("PsCredRotate.Core.dll")]
    public void The_assembly_has_no_module_initializer_that_would_run_at_import(string file)
    {
        using FileStream stream = File.OpenRead(Path.Combine(RepoPaths.StagedModule, file));
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();

        // The first type definition is <Module>; a module initializer is its static constructor.
        TypeDefinition module = md.GetTypeDefinition(MetadataTokens.TypeDefinitionHandle(1));
        Assert.Equal("<Module>", md.GetString(module.Name));
        Assert.DoesNotContain(module.GetMethods(), m => md.GetString(md.GetMethodDefinition(m).Name) == ".cctor");
    }

    [Fact]
    public void The_only_code_PowerShell_runs_at_import_is_the_Loading_initializer()
    {
        Type[] initializers = ModuleAssembly.Cmdlets.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.FullName is InitializerInterface or CleanupInterface))
            .ToArray();

        Type initializer = Assert.Single(initializers);
        Assert.Equal(LoadingNamespace + ".ModuleAssemblyInitializer", initializer.FullName);
        Assert.Contains(initializer.GetInterfaces(), i => i.FullName == InitializerInterface);
        Assert.Contains(initializer.GetInterfaces(), i => i.FullName == CleanupInterface);
        Assert.True(initializer.IsSealed && initializer.IsPublic);
    }

    [Fact]
    public void The_Loading_types_hold_only_base_library_and_own_types_so_running_them_loads_no_dependency()
    {
        string[] allowed = ["netstandard", "mscorlib", "System.Private.CoreLib", "System.Runtime", "PsCredRotate"];
        var offending = ModuleAssembly.Cmdlets.GetTypes()
            .Where(t => t.Namespace == LoadingNamespace)
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)
                .Select(f => (Member: $"{t.Name}.{f.Name}", Type: f.FieldType)))
            .Where(f => !allowed.Contains(f.Type.Assembly.GetName().Name))
            .Select(f => $"{f.Member}: {f.Type.FullName} from {f.Type.Assembly.GetName().Name}")
            .ToArray();

        Assert.Empty(offending);
    }

    [Fact]
    public void The_Loading_sources_import_no_dependency_namespace()
    {
        string[] forbidden = ["PsCredRotate.Core", "Org.BouncyCastle", "System.Net.Http", "System.Text.Json", "System.Text.Encodings"];
        string[] files = Directory.GetFiles(Path.Combine(RepoPaths.CmdletSources, "Loading"), "*.cs");

        Assert.NotEmpty(files);
        string[] offending = files
            .SelectMany(f => File.ReadAllLines(f).Select(l => (File: Path.GetFileName(f), Line: l.Trim())))
            .Where(l => l.Line.StartsWith("using ", StringComparison.Ordinal) && forbidden.Any(n => l.Line.Contains(n, StringComparison.Ordinal)))
            .Select(l => $"{l.File}: {l.Line}")
            .ToArray();

        Assert.Empty(offending);
        Assert.All(files, f => Assert.DoesNotContain("HttpClient", File.ReadAllText(f), StringComparison.Ordinal));
    }
}
