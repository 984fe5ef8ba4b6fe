using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>
/// The credential and rotation cmdlets compile to exactly the surface the brief fixes (names,
/// parameters, sets, mandatory parameters, pipeline binding, ShouldProcess, output), are exported,
/// and have views. Read from metadata; nothing runs.
/// </summary>
public sealed class SurfaceContractTests
{
    private static CmdletFacts Compiled(string name)
    {
        CmdletFacts? facts = ModuleAssembly.AllCmdlets.SingleOrDefault(c => c.CommandName == name);
        Assert.True(facts is not null, $"{name} is not compiled.");
        return facts!;
    }

    private static string Sorted(IEnumerable<string> items) => string.Join(", ", items.OrderBy(i => i, StringComparer.Ordinal));

    [Fact]
    public void The_module_compiles_the_cmdlets_of_the_table_and_the_key_cmdlets_and_nothing_else()
    {
        string[] expected = CmdletSurface.Cmdlets.Select(c => c.Name)
            .Concat(["New-RotationKey", "Import-RotationKey", "Export-RotationKey", "New-ClientAssertion"])
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(expected, ModuleAssembly.AllCmdlets.Select(c => c.CommandName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CmdletSurface.Names), MemberType = typeof(CmdletSurface))]
    public void The_cmdlet_has_exactly_the_parameters_of_the_table_with_their_types(string name)
    {
        CmdletSurface.Cmdlet spec = CmdletSurface.Find(name);
        CmdletFacts facts = Compiled(name);

        Assert.Equal(Sorted(spec.Params.Select(p => p.Name)), Sorted(facts.ParameterDetails.Select(p => p.Name)));
        foreach (CmdletSurface.Param p in spec.Params)
        {
            Assert.Equal((p.Name, p.Type), (p.Name, facts.Parameters[p.Name]));
        }
    }

    [Theory]
    [MemberData(nameof(CmdletSurface.Names), MemberType = typeof(CmdletSurface))]
    public void The_cmdlet_has_the_parameter_sets_of_the_table_named_by_constants(string name)
    {
        CmdletSurface.Cmdlet spec = CmdletSurface.Find(name);
        CmdletFacts facts = Compiled(name);

        Assert.Equal(Sorted(spec.Sets), Sorted(facts.ParameterSetNames));
        Assert.Equal(spec.DefaultSet, facts.DefaultParameterSetName);
        Assert.Subset(new HashSet<string>(facts.ParameterSetConstants), new HashSet<string>(facts.ParameterSetNames));
    }

    [Theory]
    [MemberData(nameof(CmdletSurface.Names), MemberType = typeof(CmdletSurface))]
    public void Each_parameter_is_in_its_sets_mandatory_where_the_table_says_and_binds_from_the_pipeline_as_it_says(string name)
    {
        CmdletSurface.Cmdlet spec = CmdletSurface.Find(name);
        CmdletFacts facts = Compiled(name);

        foreach (CmdletSurface.Param p in spec.Params)
        {
            ParameterFacts actual = facts.ParameterDetails.Single(d => d.Name == p.Name);
            string[] sets = actual.Usages.Select(u => u.SetName ?? "*").ToArray();
            string[] mandatory = actual.Usages.Where(u => u.Mandatory).Select(u => u.SetName ?? "*").ToArray();

            Assert.Equal((p.Name, Sorted(p.Sets ?? ["*"])), (p.Name, Sorted(sets)));
            Assert.Equal((p.Name, Sorted(p.MandatoryIn ?? [])), (p.Name, Sorted(mandatory)));
            Assert.All(actual.Usages, u => Assert.Equal((p.Name, p.ByValue, p.ByPropertyName), (p.Name, u.ValueFromPipeline, u.ValueFromPipelineByPropertyName)));
            Assert.Equal((p.Name, Sorted(p.Aliases ?? [])), (p.Name, Sorted(actual.Aliases)));
            Assert.Equal((p.Name, Sorted(p.ValidateSet ?? [])), (p.Name, Sorted(actual.ValidateSet)));
        }
    }

    [Theory]
    [MemberData(nameof(CmdletSurface.Names), MemberType = typeof(CmdletSurface))]
    public void ShouldProcess_ConfirmImpact_and_OutputType_are_as_in_the_table(string name)
    {
        CmdletSurface.Cmdlet spec = CmdletSurface.Find(name);
        CmdletFacts facts = Compiled(name);

        Assert.Equal(spec.ShouldProcess, facts.SupportsShouldProcess);
        if (spec.ShouldProcess)
        {
            Assert.Equal(spec.ConfirmImpact, facts.ConfirmImpact);
        }

        Assert.Equal(Sorted(spec.Outputs), Sorted(facts.OutputTypes));
    }

    [Theory]
    [MemberData(nameof(CmdletSurface.Names), MemberType = typeof(CmdletSurface))]
    public void The_cmdlet_uses_an_approved_verb_and_follows_the_class_conventions(string name)
    {
        CmdletFacts facts = Compiled(name);

        Assert.Empty(CmdletRules.All(facts));
        // One folder per area (Commands/<Area>/); provider-only nouns (Auth0*) live in Commands/Auth0.
        Assert.StartsWith(facts.Noun.StartsWith("Auth0", StringComparison.Ordinal) ? "PsCredRotate.Commands.Auth0" : "PsCredRotate.Commands.", facts.Namespace, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientId_binds_by_property_name_on_every_cmdlet_that_takes_it()
    {
        string[] offenders = ModuleAssembly.AllCmdlets
            .Where(c => CmdletSurface.Cmdlets.Any(s => s.Name == c.CommandName))
            .SelectMany(c => c.ParameterDetails.Where(p => p.Name == "ClientId").Select(p => (c, p)))
            .Where(x => x.c.CommandName != "Connect-Auth0Tenant" && x.p.Usages.Any(u => !u.ValueFromPipelineByPropertyName))
            .Select(x => x.c.CommandName)
            .ToArray();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Piping_works_the_way_the_runbooks_chain_the_cmdlets()
    {
        // Get-Auth0Client | Start-…, Get-ClientCredential | Remove-…: the piped objects have these properties.
        Type client = ModuleAssembly.FindModuleType(CmdletSurface.Auth0Client)!;
        Type credential = ModuleAssembly.FindModuleType(CmdletSurface.Credential)!;
        Type rotation = ModuleAssembly.FindModuleType(CmdletSurface.Rotation)!;

        Assert.NotNull(client.GetProperty("ClientId"));
        Assert.NotNull(credential.GetProperty("ClientId"));
        Assert.NotNull(credential.GetProperty("Id"));
        Assert.NotNull(credential.GetProperty("Kid"));
        Assert.NotNull(rotation.GetProperty("ClientId"));
        Assert.NotNull(rotation.GetProperty("NewKid"));
    }

    [Fact]
    public void The_bulk_cmdlets_share_one_ThrottleLimit_parameter_defaulting_to_4()
    {
        // A property initializer is not metadata, so the default is read from the one declaration.
        string[] declarations = CmdletSource.Files()
            .SelectMany(f => File.ReadAllLines(f))
            .Where(l => l.Contains("public int ThrottleLimit", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .ToArray();

        Assert.Equal(new[] { "public int ThrottleLimit { get; set; } = 4;" }, declarations);
        Assert.All(
            new[] { "Start-ClientCredentialRotation", "Complete-ClientCredentialRotation", "Invoke-ClientCredentialRotation" },
            n => Assert.Equal(CmdletSurface.Int, Compiled(n).Parameters["ThrottleLimit"]));
    }

    [Fact]
    public void Every_mandatory_parameter_of_the_credential_cmdlets_has_a_short_help_message()
    {
        string[] problems = ModuleAssembly.AllCmdlets
            .Where(c => CmdletSurface.Cmdlets.Any(s => s.Name == c.CommandName))
            .SelectMany(c => c.ParameterDetails.SelectMany(p => p.Usages.Select(u => (c, p, u))))
            .Where(x => (x.u.Mandatory && string.IsNullOrWhiteSpace(x.u.HelpMessage)) || (x.u.HelpMessage?.Length ?? 0) > 80)
            .Select(x => $"{x.c.CommandName} -{x.p.Name}: '{x.u.HelpMessage}'")
            .ToArray();

        Assert.Empty(problems);
    }

    [Fact]
    public void Secrets_go_in_as_SecureString_and_no_string_parameter_holds_a_secret_or_a_key()
    {
        string[] offenders = ModuleAssembly.AllCmdlets
            .SelectMany(c => c.ParameterDetails.Select(p => (c, p)))
            .Where(x => x.p.Type == CmdletSurface.String)
            .Where(x => (x.p.Name.Contains("Secret", StringComparison.OrdinalIgnoreCase) && x.p.Name != "SecretName")
                || x.p.Name.Contains("Password", StringComparison.OrdinalIgnoreCase)
                || x.p.Name.Contains("Token", StringComparison.OrdinalIgnoreCase)
                || (x.p.Name.EndsWith("Key", StringComparison.Ordinal) && x.p.Name != "KeyPath"))
            .Select(x => $"{x.c.CommandName} -{x.p.Name}")
            .ToArray();

        Assert.Empty(offenders);
        Assert.Equal(CmdletSurface.Secure, Compiled("Connect-Auth0Tenant").Parameters["ClientSecret"]);
        Assert.Equal(CmdletSurface.Secure, Compiled("Connect-Auth0Tenant").Parameters["Password"]);
        Assert.Equal(CmdletSurface.Secure, Compiled("Start-ClientCredentialRotation").Parameters["Password"]);
        Assert.Equal(CmdletSurface.Secure, Compiled("Invoke-ClientCredentialRotation").Parameters["Password"]);

        // -SecretName names a vault secret (the key goes into it, never through the parameter).
        Assert.Equal(CmdletSurface.String, Compiled("Invoke-ClientCredentialRotation").Parameters["SecretName"]);
    }

    [Fact]
    public void The_manifest_exports_every_cmdlet_of_the_table()
    {
        Dictionary<string, object?> manifest = Psd1.Parse(File.ReadAllText(RepoPaths.SourceManifest));
        var exported = ((List<object?>)manifest["CmdletsToExport"]!).Cast<string>().ToHashSet(StringComparer.Ordinal);

        Assert.Subset(exported, CmdletSurface.Cmdlets.Select(c => c.Name).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_output_type_of_the_table_and_the_rotation_step_have_a_table_view()
    {
        XDocument format = XDocument.Load(RepoPaths.SourceFormatFile);
        var tables = format.Root!.Element("ViewDefinitions")!.Elements("View")
            .Where(v => v.Element("TableControl") is not null)
            .SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value.Trim()))
            .ToHashSet(StringComparer.Ordinal);
        // The module's own types; System.Boolean (Test-WebhookSignature -Quiet) needs no view.
        string[] types = CmdletSurface.Cmdlets.SelectMany(c => c.Outputs).Where(t => !t.StartsWith("System.", StringComparison.Ordinal))
            .Append("PsCredRotate.Core.Rotation.RotationStep").Distinct().ToArray();

        Assert.Subset(tables, types.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void No_view_shows_a_rotations_new_key()
    {
        XDocument format = XDocument.Load(RepoPaths.SourceFormatFile);
        XElement rotation = format.Root!.Element("ViewDefinitions")!.Elements("View")
            .Single(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value.Trim() == CmdletSurface.Rotation);

        Assert.DoesNotContain("NewKey", format.Root!.ToString(), StringComparison.Ordinal);
        Assert.Contains(rotation.Descendants("PropertyName"), p => p.Value.Trim() == "NewKid");
    }
}
