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
        NodeTestSuite.RequirePackage("auth0");

        await using RunningEmulator emulator = await RunningEmulator.StartAsync();
        await NodeTestSuite.RunAsync("auth0-sdk.test.mjs", new Dictionary<string, string>
        {
            ["EMULATOR_URL"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["EMULATOR_MANAGEMENT_CLIENT_ID"] = EmulatorOptions.DefaultManagementClientId,
            ["EMULATOR_MANAGEMENT_CLIENT_SECRET"] = EmulatorOptions.DefaultManagementClientSecret,
            ["INTEROP_CLIENT_ID"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleClientId,
            ["INTEROP_CLIENT_SECRET"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleClientSecret,
            ["INTEROP_AUDIENCE"] = PsCredRotate.Emulator.Auth0.TenantSeed.SampleApi,
        });
    }
}
