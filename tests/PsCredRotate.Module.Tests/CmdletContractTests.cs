using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>The compiled cmdlets follow the module's conventions (read from metadata, nothing runs).</summary>
public sealed class CmdletContractTests
{
    [Fact]
    public void The_module_compiles_the_key_cmdlets()
    {
        string[] names = ModuleAssembly.AllCmdlets.Select(c => c.CommandName).ToArray();

        Assert.Contains("New-RotationKey", names);
        Assert.Contains("Import-RotationKey", names);
        Assert.Contains("Export-RotationKey", names);
        Assert.Contains("New-ClientAssertion", names);
    }

    [Fact]
    public void Every_cmdlet_class_is_sealed_and_named_after_its_verb_and_noun() =>
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.Naming));

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb() =>
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.Verb));

    [Fact]
    public void Every_cmdlet_declares_its_output_type() =>
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.OutputType));

    [Fact]
    public void Every_cmdlet_that_changes_state_supports_ShouldProcess_and_destructive_ones_confirm_by_default() =>
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.ShouldProcess));

    [Fact]
    public void Export_RotationKey_supports_ShouldProcess_because_it_writes_files()
    {
        CmdletFacts export = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == "Export-RotationKey");

        Assert.True(export.SupportsShouldProcess);
    }

    [Fact]
    public void Cmdlets_declare_each_type_they_can_write()
    {
        string[] Outputs(string command) =>
            ModuleAssembly.AllCmdlets.Single(c => c.CommandName == command).OutputTypes.OrderBy(t => t, StringComparer.Ordinal).ToArray();

        Assert.Equal(new[] { "PsCredRotate.Core.Keys.RotationKey", "System.IO.FileInfo", "System.String" }, Outputs("Export-RotationKey"));
        Assert.Equal(new[] { "PsCredRotate.Core.Jose.ClientAssertion", "System.String" }, Outputs("New-ClientAssertion"));
        Assert.Equal(new[] { "PsCredRotate.Core.Keys.RotationKey" }, Outputs("New-RotationKey"));
        Assert.Equal(new[] { "PsCredRotate.Core.Keys.RotationKey" }, Outputs("Import-RotationKey"));
    }

    [Fact]
    public void Parameter_sets_have_a_default_and_take_their_names_from_constants() =>
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.ParameterSets));

    [Fact]
    public void Cmdlets_with_several_parameter_sets_declare_them_as_constants()
    {
        CmdletFacts import = ModuleAssembly.AllCmdlets.Single(c => c.CommandName == "Import-RotationKey");

        Assert.Equal(new[] { "Jwk", "Path", "Pem", "Vault" }, import.ParameterSetNames.OrderBy(n => n, StringComparer.Ordinal));
        // Pem is the default so piped PEM text binds by value (PowerShell tries only the default set
        // for a string when no argument narrowed it); a path binds by position, a file by property name.
        Assert.Equal("Pem", import.DefaultParameterSetName);
        Assert.True(import.ParameterSetNames.SetEquals(import.ParameterSetConstants));
    }

    [Fact]
    public void No_cmdlet_source_spells_a_parameter_set_name_inline()
    {
        // Constants compile to the same metadata as literals, so this part is checked in the source.
        var inline = new Regex("ParameterSetName\\s*(=|==|!=)\\s*\"", RegexOptions.CultureInvariant);
        string[] offenders = Directory.GetFiles(RepoPaths.CmdletSources, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (f, line, i)))
            .Where(x => inline.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.RepoRoot, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToArray();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Secrets_are_taken_as_SecureString_parameters()
    {
        Assert.Empty(ModuleAssembly.AllCmdlets.SelectMany(CmdletRules.SecretParameters));
        Assert.Equal("System.Security.SecureString", ModuleAssembly.AllCmdlets.Single(c => c.CommandName == "Export-RotationKey").Parameters["Password"]);
    }

    [Fact]
    public void Every_output_type_of_the_module_is_a_public_sealed_class()
    {
        string[] problems = ModuleAssembly.AllCmdlets
            .SelectMany(c => c.OutputTypes)
            .Where(ModuleAssembly.IsModuleType)
            .Distinct(StringComparer.Ordinal)
            .Select(name => (name, type: ModuleAssembly.FindModuleType(name)))
            .Where(x => x.type is null || !x.type.IsSealed || !x.type.IsClass)
            .Select(x => x.type is null ? $"{x.name} is not a public type of the module." : $"{x.name} is not a sealed class.")
            .ToArray();

        Assert.Empty(problems);
    }
}
