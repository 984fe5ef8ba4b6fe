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
        NodeTestSuite.RequirePackage(Path.Combine("@dfns", "sdk"));

        await using RunningEmulator emulator = await RunningEmulator.StartAsync(o =>
        {
            o.Dfns = true;
            o.Admin = true;
        });

        string output = await NodeTestSuite.RunAsync("dfns-sdk.test.mjs", new Dictionary<string, string>
        {
            ["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/'),
        });
        Assert.Contains("# pass 8", output, StringComparison.Ordinal);
    }
}
