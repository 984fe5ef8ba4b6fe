using System;
using System.IO;
using System.Linq;
using System.Reflection;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>What only the cmdlet sources show: secrets stay off the logged streams, errors are built in one place.</summary>
public sealed class SourceContractTests
{
    [Fact]
    public void No_cmdlet_writes_secrets_to_the_verbose_debug_or_warning_streams()
    {
        int calls = CmdletSource.Files().Sum(f => CmdletSource.Calls(File.ReadAllText(f), CmdletSource.LoggedStreams).Count());
        string[] offenders = CmdletSource.Files()
            .SelectMany(f => CmdletSource.SecretsInLoggedStreams(File.ReadAllText(f)).Select(call => $"{Path.GetFileName(f)}: {call}"))
            .ToArray();

        Assert.True(calls >= 4, $"Expected the cmdlets' verbose messages to be found, found {calls}.");
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("WriteVerbose($\"Key: {KeyExporter.Export(Key, Format, false)}\");")]
    [InlineData("WriteDebug(assertion.RevealCompactSerialization());")]
    [InlineData("WriteWarning(\n    $\"password was {Password}\");")]
    [InlineData("WriteVerbose(key.PublicKeyPem);")]
    [InlineData("WriteVerbose($\"Rotated to {rotation.NewKey}\");")]
    [InlineData("WriteDebug($\"secret: {ClientSecret.Length}\");")]
    public void The_secret_scan_finds_a_secret_on_a_logged_stream(string source) =>
        Assert.Single(CmdletSource.SecretsInLoggedStreams(source));

    [Fact]
    public void The_secret_scan_lets_kids_and_algorithms_through() =>
        Assert.Empty(CmdletSource.SecretsInLoggedStreams("WriteVerbose($\"Generated a {key.Algorithm} key, kid '{key.Kid}' ({Math.Max(1, 2)}).\");"));

    [Fact]
    public void The_deploy_script_runs_on_the_pipeline_thread_through_the_dispatcher()
    {
        // A script block invoked on a worker thread has no runspace; it must go through Dispatcher.Invoke.
        string[] sources = CmdletSource.Files().Select(File.ReadAllText).ToArray();
        int all = sources.Sum(s => CmdletSource.Calls(s, "InvokeWithContext", "Invoke").Count(c => c.StartsWith("InvokeWithContext", StringComparison.Ordinal)));
        int dispatched = sources.Sum(s => CmdletSource.Calls(s, "Dispatcher.Invoke").Count(c => c.Contains("InvokeWithContext(", StringComparison.Ordinal)));

        Assert.True(all >= 1, "Expected Invoke-ClientCredentialRotation to run its -Deploy script.");
        Assert.Equal(all, dispatched);
    }

    [Fact]
    public void Error_records_are_built_in_one_place()
    {
        string[] offenders = CmdletSource.Files()
            .Where(f => Path.GetFileName(f) != "ErrorRecords.cs")
            .Where(f => File.ReadAllText(f).Contains("new ErrorRecord(", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToArray()!;

        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("400", "InvalidArgument")]
    [InlineData("401 or 403", "PermissionDenied")]
    [InlineData("404", "ObjectNotFound")]
    [InlineData("409", "ResourceExists")]
    [InlineData("429", "LimitsExceeded")]
    [InlineData(">= 500 and <= 599", "ConnectionError")]
    [InlineData("null", "ConnectionError")]
    public void An_API_failure_is_categorised_by_its_HTTP_status_in_one_place(string status, string category)
    {
        string mapping = File.ReadAllText(Path.Combine(RepoPaths.CmdletSources, "ErrorRecords.cs"));
        int mapped = CmdletSource.Files()
            .Count(f => File.ReadAllText(f).Contains("=> ErrorCategory.", StringComparison.Ordinal));

        Assert.Contains($"        {status} => ErrorCategory.{category},", mapping, StringComparison.Ordinal);
        Assert.Contains("CategoryOfStatus(api.StatusCode)", mapping, StringComparison.Ordinal);
        Assert.Equal(1, mapped);
    }

    [Fact]
    public void Every_error_kind_maps_to_an_error_category()
    {
        string mapping = File.ReadAllText(Path.Combine(RepoPaths.CmdletSources, "ErrorRecords.cs"));
        Type kind = ModuleAssembly.Core.GetType("PsCredRotate.Core.ErrorKind", throwOnError: true)!;

        string[] unmapped = kind.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.Name)
            .Where(name => !mapping.Contains($"ErrorKind.{name} => ErrorCategory.", StringComparison.Ordinal))
            .ToArray();

        Assert.NotEmpty(kind.GetFields(BindingFlags.Public | BindingFlags.Static));
        Assert.Empty(unmapped);
    }
}
