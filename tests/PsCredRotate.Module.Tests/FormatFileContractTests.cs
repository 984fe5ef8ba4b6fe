using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>
/// The format file is valid, names real types and properties, has a readable table per output
/// type and never shows a secret. Each check also runs on a broken sample, so a mistake fails it.
/// </summary>
public sealed class FormatFileContractTests
{
    private const string ClientCredential = "PsCredRotate.Core.Rotation.ClientCredential";
    private const string ClientSecretRotation = "PsCredRotate.Core.ClientSecrets.ClientSecretRotation";

    private static readonly Lazy<XDocument> Format = new(() => XDocument.Load(RepoPaths.SourceFormatFile));

    private static readonly Func<string, Type?> FindType = ModuleAssembly.FindModuleType;

    [Fact]
    public void The_format_file_has_the_shape_PowerShell_reads()
    {
        Assert.Empty(FormatFileChecks.ShapeProblems(Format.Value));
    }

    [Fact]
    public void Every_table_has_as_many_headers_as_columns_and_readable_widths()
    {
        Assert.Empty(FormatFileChecks.TableProblems(Format.Value));
    }

    [Fact]
    public void Every_view_selects_a_public_type_of_the_module()
    {
        Assert.Empty(FormatFileChecks.UnknownTypeProblems(Format.Value, FindType));
    }

    [Fact]
    public void Every_column_reads_public_properties_of_the_viewed_type()
    {
        Assert.Empty(FormatFileChecks.PropertyProblems(Format.Value, FindType));
    }

    [Fact]
    public void Every_output_type_of_the_module_has_a_view()
    {
        string[] outputTypes = ModuleAssembly.AllCmdlets.SelectMany(c => c.OutputTypes).ToArray();

        Assert.Empty(FormatFileChecks.CoverageProblems(Format.Value, outputTypes));
        Assert.Contains(ClientCredential, outputTypes);
        Assert.Contains("PsCredRotate.Core.Keys.RotationKey", FormatFileChecks.ViewedTypeNames(Format.Value));
    }

    [Fact]
    public void No_view_shows_a_secret_or_calls_a_method()
    {
        Assert.Empty(FormatFileChecks.SecretProblems(Format.Value, FindType));
        Assert.Empty(FormatFileChecks.MethodCallProblems(Format.Value));
    }

    [Fact]
    public void The_credential_views_show_kid_expiry_and_days_left()
    {
        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [ClientCredential] = ["Kid", "Attached", "ExpiresAt", "DaysLeft"],
            ["PsCredRotate.Core.Inventory.ExpiringCredential"] = ["Kid", "ExpiresAt", "DaysLeft"],
            ["PsCredRotate.Core.SigningKeys.SigningKey"] = ["Kid", "State", "CurrentSince", "DaysLeft"],
            ["PsCredRotate.Core.ConnectionKeys.ConnectionKey"] = ["Kid", "State", "NotAfter", "DaysLeft"],
            ["PsCredRotate.Core.Keys.RotationKey"] = ["Kid", "NotAfter", "DaysLeft"],
            ["PsCredRotate.Core.Dfns.DfnsCredential"] = ["CredentialUuid", "IsActive", "IsCurrent"],
        };

        foreach ((string type, string[] labels) in expected)
        {
            XElement view = FormatFileChecks.Views(Format.Value).Single(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value.Trim() == type));
            string[] shown = view.Descendants("TableColumnHeader").Select(h => ((string?)h.Element("Label"))?.Trim() ?? string.Empty).ToArray();
            Assert.All(labels, l => Assert.Contains(l, shown));
        }
    }

    // ---- A mistake fails the checks: each broken sample is reported, naming what is wrong. ----

    [Fact]
    public void A_view_of_a_type_that_does_not_exist_is_reported()
    {
        XDocument sample = Sample("PsCredRotate.Core.Rotation.NoSuchType", Column("Kid", 43, Property("Kid")));

        Assert.Contains("NoSuchType", Assert.Single(FormatFileChecks.UnknownTypeProblems(sample, FindType)));
    }

    [Fact]
    public void A_column_of_a_property_that_does_not_exist_is_reported()
    {
        XDocument sample = Sample(ClientCredential, Column("Thumb", 10, Property("Thumb")));

        Assert.Contains("'Thumb'", Assert.Single(FormatFileChecks.PropertyProblems(sample, FindType)));
    }

    [Fact]
    public void A_script_column_reading_a_missing_property_or_member_is_reported()
    {
        XDocument sample = Sample(
            ClientCredential,
            Column("A", 10, Script("$_.ExpiresOn")),
            Column("B", 10, Script("if ($null -ne $_.ExpiresAt) { $_.ExpiresAt.UtcDateTyme }")));

        string[] problems = FormatFileChecks.PropertyProblems(sample, FindType).ToArray();

        Assert.Equal(2, problems.Length);
        Assert.Contains(problems, p => p.Contains("'ExpiresOn'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'UtcDateTyme'", StringComparison.Ordinal));
    }

    [Fact]
    public void Member_chains_through_nullable_dates_and_collections_are_accepted()
    {
        XDocument sample = Sample(
            ClientCredential,
            Column("Expires", 17, Script("if ($null -ne $_.ExpiresAt) { $_.ExpiresAt.UtcDateTime.ToString('yyyy-MM-dd') }")),
            Column("Len", 5, Script("$_.Kid.Length")));

        Assert.Empty(FormatFileChecks.PropertyProblems(sample, FindType));
    }

    [Fact]
    public void An_output_type_without_a_view_is_reported()
    {
        XDocument sample = Sample(ClientCredential, Column("Kid", 43, Property("Kid")));

        string problem = Assert.Single(FormatFileChecks.CoverageProblems(sample, [ClientCredential, "PsCredRotate.Core.SigningKeys.SigningKey", "System.String"]));

        Assert.Contains("SigningKey", problem);
    }

    [Fact]
    public void A_column_showing_a_secret_is_reported_and_a_null_test_is_not()
    {
        XDocument shown = Sample(ClientSecretRotation, Column("Secret", 20, Property("ClientSecret")));
        XDocument scripted = Sample(ClientSecretRotation, Column("Secret", 20, Script("$_.ClientSecret")));
        XDocument tested = Sample(ClientSecretRotation, Column("Has", 5, Script("$null -ne $_.ClientSecret")));

        Assert.Contains("ClientSecret", Assert.Single(FormatFileChecks.SecretProblems(shown, FindType)));
        Assert.Contains("ClientSecret", Assert.Single(FormatFileChecks.SecretProblems(scripted, FindType)));
        Assert.Empty(FormatFileChecks.SecretProblems(tested, FindType));
    }

    [Fact]
    public void A_column_showing_a_rotations_new_key_is_reported_but_its_kid_is_not()
    {
        const string rotation = "PsCredRotate.Core.Rotation.ClientCredentialRotation";

        Assert.Single(FormatFileChecks.SecretProblems(Sample(rotation, Column("Key", 20, Script("$_.NewKey"))), FindType));
        Assert.Empty(FormatFileChecks.SecretProblems(Sample(rotation, Column("Kid", 43, Script("$_.NewKey.Kid"))), FindType));
    }

    [Fact]
    public void A_script_calling_a_method_other_than_ToString_is_reported()
    {
        XDocument sample = Sample(
            "PsCredRotate.Core.Jose.ClientAssertion",
            Column("Jwt", 20, Script("$_.RevealCompactSerialization()")),
            Column("At", 20, Script("$_.ExpiresAt.UtcDateTime.ToString('u')")));

        string[] problems = FormatFileChecks.MethodCallProblems(sample).ToArray();

        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Contains("RevealCompactSerialization", p));
    }

    [Fact]
    public void Headers_and_columns_that_do_not_match_or_are_unreadable_are_reported()
    {
        XDocument sample = Sample(ClientCredential, Column("ExpiresAt", 4, Property("ExpiresAt")), Column("Kid", null, Property("Kid")), Column("Name", null, Property("Name")));
        sample.Descendants("TableColumnItems").Single().Add(Property("Algorithm"));

        string[] problems = FormatFileChecks.TableProblems(sample).ToArray();

        Assert.Equal(3, problems.Length);
        Assert.Contains(problems, p => p.Contains("3 headers but a row of 4", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'ExpiresAt' has width '4'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'Kid' has no <Width>", StringComparison.Ordinal));
    }

    [Fact]
    public void A_duplicate_view_name_or_a_namespaced_root_is_reported()
    {
        XDocument twice = Sample(ClientCredential, Column("Kid", 43, Property("Kid")));
        twice.Root!.Element("ViewDefinitions")!.Add(new XElement(twice.Root.Element("ViewDefinitions")!.Element("View")!));
        var namespaced = new XDocument(new XElement(XName.Get("Configuration", "urn:x"), new XElement(XName.Get("ViewDefinitions", "urn:x"))));

        Assert.Contains("used twice", Assert.Single(FormatFileChecks.ShapeProblems(twice)));
        Assert.Contains("<Configuration>", Assert.Single(FormatFileChecks.ShapeProblems(namespaced)));
    }

    private static XDocument Sample(string typeName, params (XElement Header, XElement Item)[] columns) =>
        new(new XElement(
            "Configuration",
            new XElement(
                "ViewDefinitions",
                new XElement(
                    "View",
                    new XElement("Name", typeName),
                    new XElement("ViewSelectedBy", new XElement("TypeName", typeName)),
                    new XElement(
                        "TableControl",
                        new XElement("TableHeaders", columns.Select(c => c.Header)),
                        new XElement("TableRowEntries", new XElement("TableRowEntry", new XElement("TableColumnItems", columns.Select(c => c.Item)))))))));

    private static (XElement Header, XElement Item) Column(string label, int? width, XElement item) =>
        (new XElement("TableColumnHeader", new XElement("Label", label), width is int w ? new XElement("Width", w) : null), item);

    private static XElement Property(string name) => new("TableColumnItem", new XElement("PropertyName", name));

    private static XElement Script(string code) => new("TableColumnItem", new XElement("ScriptBlock", code));
}
