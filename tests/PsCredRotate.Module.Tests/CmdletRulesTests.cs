using System.Collections.Generic;
using System.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>Each contract rule catches the mistake it is there for (so the contract tests can fail).</summary>
public sealed class CmdletRulesTests
{
    private static readonly CmdletFacts Good = new()
    {
        ClassName = "RemoveThingCommand",
        Namespace = "PsCredRotate.Commands.Things",
        Verb = "Remove",
        Noun = "Thing",
        SupportsShouldProcess = true,
        ConfirmImpact = "High",
        DefaultParameterSetName = "ById",
        OutputTypes = ["PsCredRotate.Core.Thing"],
        ParameterSetNames = new HashSet<string> { "ById", "ByObject" },
        ParameterSetConstants = new HashSet<string> { "ById", "ByObject" },
        Parameters = new Dictionary<string, string> { ["Id"] = "System.String", ["Password"] = "System.Security.SecureString" },
    };

    [Fact]
    public void A_cmdlet_following_every_convention_has_no_violations() =>
        Assert.Empty(CmdletRules.All(Good));

    [Fact]
    public void An_unsealed_or_misnamed_class_is_reported()
    {
        Assert.Single(CmdletRules.Naming(Good with { IsSealed = false }));
        Assert.Single(CmdletRules.Naming(Good with { ClassName = "RemoveThing" }));
        Assert.Single(CmdletRules.Naming(Good with { Namespace = "PsCredRotate" }));
    }

    [Theory]
    [InlineData("Delete")]
    [InlineData("Rotate")]
    [InlineData("Build")]
    [InlineData("remove")]
    public void A_verb_not_approved_in_both_editions_is_reported(string verb) =>
        Assert.Single(CmdletRules.Verb(Good with { Verb = verb, ClassName = verb + "ThingCommand" }));

    [Fact]
    public void The_approved_verb_list_is_complete()
    {
        // Get-Verb in PowerShell 7 lists 100 verbs; two of them are newer than Windows PowerShell 5.1.
        Assert.Equal(100, ApprovedVerbs.ByGroup.Values.Sum(v => v.Length));
        Assert.Equal(98, ApprovedVerbs.All.Count);
    }

    [Fact]
    public void A_cmdlet_without_OutputType_is_reported() =>
        Assert.Single(CmdletRules.OutputType(Good with { OutputTypes = [] }));

    [Fact]
    public void Only_a_cmdlet_listed_as_writing_nothing_may_go_without_OutputType()
    {
        CmdletFacts remove = Good with { Verb = "Remove", Noun = "ClientCredential", ClassName = "RemoveClientCredentialCommand" };

        Assert.Empty(CmdletRules.OutputType(remove with { OutputTypes = [] }));
        Assert.Single(CmdletRules.OutputType(remove));
    }

    [Theory]
    [InlineData("Remove")]
    [InlineData("Set")]
    [InlineData("Export")]
    [InlineData("Revoke")]
    [InlineData("Add")]
    public void A_state_changing_verb_without_ShouldProcess_is_reported(string verb)
    {
        IEnumerable<string> violations = CmdletRules.ShouldProcess(Good with { Verb = verb, SupportsShouldProcess = false });

        Assert.Contains(violations, v => v.Contains("SupportsShouldProcess", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_New_cmdlet_outside_the_in_memory_allow_list_needs_ShouldProcess()
    {
        Assert.Single(CmdletRules.ShouldProcess(Good with { Verb = "New", Noun = "ClientCredential", SupportsShouldProcess = false, ConfirmImpact = "Medium" }));
        Assert.Empty(CmdletRules.ShouldProcess(Good with { Verb = "New", Noun = "RotationKey", SupportsShouldProcess = false, ConfirmImpact = "Medium" }));
    }

    [Theory]
    [InlineData("Remove")]
    [InlineData("Revoke")]
    public void A_destructive_cmdlet_below_ConfirmImpact_High_is_reported(string verb) =>
        Assert.Single(CmdletRules.ShouldProcess(Good with { Verb = verb, ConfirmImpact = "Medium" }));

    [Fact]
    public void Several_parameter_sets_without_a_default_are_reported() =>
        Assert.Single(CmdletRules.ParameterSets(Good with { DefaultParameterSetName = null }));

    [Fact]
    public void A_parameter_set_name_that_is_no_constant_is_reported()
    {
        string violation = Assert.Single(CmdletRules.ParameterSets(Good with { ParameterSetConstants = new HashSet<string> { "ById" } }));

        Assert.Contains("'ByObject'", violation, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Password")]
    [InlineData("ClientSecret")]
    public void A_secret_taken_as_a_plain_string_is_reported(string name) =>
        Assert.Single(CmdletRules.SecretParameters(Good with { Parameters = new Dictionary<string, string> { [name] = "System.String" } }));

    [Theory]
    [InlineData("System.Security.SecureString[]", 0)]
    [InlineData("System.String[]", 1)]
    public void Several_secrets_may_be_taken_as_an_array_of_SecureStrings_but_not_of_strings(string type, int violations) =>
        Assert.Equal(violations, CmdletRules.SecretParameters(Good with { Parameters = new Dictionary<string, string> { ["Secret"] = type } }).Count());
}
