using System.Diagnostics;
using PsCredRotate.Emulator;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// The official auth0 Node SDK (tests/interop, pinned) drives an in-process emulator over HTTP:
/// credentials, client update, rotate-secret, signing keys, connection keys, and tokens via client
/// secret and via private_key_jwt. The node:test suite is tests/interop/auth0-sdk.test.mjs.
/// </summary>
public sealed class Auth0SdkInteropTests
{
    [Fact]
    public async Task TheOfficialAuth0NodeSdkDrivesTheEmulatorThroughEveryRotationOperation()
    {
        string interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "auth0")), "run `npm ci` in tests/interop");

        await using RunningEmulator emulator = await RunningEmulator.StartAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--test");
        info.ArgumentList.Add("auth0-sdk.test.mjs");
        info.Environment["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/');
        info.Environment["EMULATOR_MANAGEMENT_CLIENT_ID"] = EmulatorOptions.DefaultManagementClientId;
        info.Environment["EMULATOR_MANAGEMENT_CLIENT_SECRET"] = EmulatorOptions.DefaultManagementClientSecret;
        info.Environment["INTEROP_CLIENT_ID"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleClientId;
        info.Environment["INTEROP_CLIENT_SECRET"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleClientSecret;
        info.Environment["INTEROP_AUDIENCE"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleApi;

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
