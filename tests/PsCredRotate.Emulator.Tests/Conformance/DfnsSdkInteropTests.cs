using System.Diagnostics;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// The official Dfns SDK (@dfns/sdk 0.8.3 with @dfns/sdk-keysigner, pinned in tests/interop) drives
/// an in-process emulator started with --dfns --admin: Key credential create (user action signing,
/// key attestation), list, deactivate, activate, webhook create, get, ping and delete, for P-256,
/// Ed25519 and RSA-2048; a deactivated credential's signature and, with the switch off, credential
/// creation are refused. The node:test suite is tests/interop/dfns-sdk.test.mjs.
/// </summary>
public sealed class DfnsSdkInteropTests
{
    [Fact]
    public async Task TheOfficialDfnsNodeSdkDrivesTheEmulatorThroughKeyRotationAndWebhooks()
    {
        string interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "@dfns", "sdk")), "run `npm ci` in tests/interop");

        await using RunningEmulator emulator = await RunningEmulator.StartAsync(o =>
        {
            o.Dfns = true;
            o.Admin = true;
        });
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--test");
        info.ArgumentList.Add("dfns-sdk.test.mjs");
        info.Environment["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/');

        using Process node = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout + await stderr;
        Assert.True(node.ExitCode == 0, $"node --test exited {node.ExitCode}:\n{output}");
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        Assert.Contains("# pass 8", output, StringComparison.Ordinal);
    }

    /// <summary>The directory holding PsCredRotate.sln, found upwards from the test assembly.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PsCredRotate.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("PsCredRotate.sln not found above " + AppContext.BaseDirectory);
    }
}
