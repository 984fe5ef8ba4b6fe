using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.SigningKeys;
using PsCredRotate.Integration.Tests.Auth0;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Interop;

/// <summary>
/// Zero downtime of the signing-key lifecycle (the engine behind Invoke-SigningKeyRotation) as a
/// resource server protected by Auth0's own middleware (express-oauth2-jwt-bearer, tests/interop)
/// sees it while a caller keeps requesting it every 50 ms, each token kept for a while as real
/// clients do. Scheduled runs rotate (the next key, already published in the JWKS, becomes
/// current), wait out the retention window, then revoke the previous key: 0 rejected requests.
/// The counterfactual, the same runs with no retention window, rejects tokens that have not
/// expired: the window is shown to be necessary, not assumed.
/// </summary>
public sealed class SigningKeyResourceServerTests
{
    private static readonly TimeSpan RotateAfter = TimeSpan.FromDays(30);

    /// <summary>The emulator's clock offset; the connection's clock follows it (a client on a synchronised host).</summary>
    private TimeSpan _offset;

    [Fact]
    public async Task Auth0s_middleware_accepts_every_request_across_a_scheduled_rotation_and_the_revocation_after_the_retention_window()
    {
        await using EmulatorServer emulator = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await ConnectAsync(emulator);
        var schedule = new SigningKeyPolicy { RotateAfter = RotateAfter, RetentionPeriod = TimeSpan.FromDays(14), RevokePrevious = true };
        var keys = new SigningKeyManager(connection.Management, new UnattendedRotationHost());
        await using ResourceServer api = await ResourceServer.StartAsync(emulator);
        await api.WaitForAsync(s => s.Accepted >= 10, TimeSpan.FromSeconds(30), "the caller to warm up");

        await AdvanceAsync(emulator, RotateAfter + TimeSpan.FromDays(1));
        SigningKeyRotationResult rotated = (await keys.InvokeAsync(schedule, verify: true, Array.Empty<Uri>(), CancellationToken.None))!;
        string previous = rotated.Keys.Single(k => k.State == SigningKeyState.Previous).Kid;
        SigningKeyRotationResult sameDay = (await keys.InvokeAsync(schedule, verify: true, Array.Empty<Uri>(), CancellationToken.None))!;
        await api.WaitForAsync(s => s.KidsAccepted.GetValueOrDefault(rotated.CurrentKid!) >= 10, ResourceServer.TokenReuse * 5, "tokens signed with the new key");
        await Task.Delay(ResourceServer.TokenReuse); // every token signed with the previous key has been replaced
        await AdvanceAsync(emulator, TimeSpan.FromDays(15));
        SigningKeyRotationResult revoked = (await keys.InvokeAsync(schedule, verify: true, Array.Empty<Uri>(), CancellationToken.None))!;
        int acceptedAtRevoke = (await api.StatsAsync()).Accepted;
        ResourceServerStats end = await api.WaitForAsync(s => s.Accepted >= acceptedAtRevoke + 40, TimeSpan.FromSeconds(30), "requests after the revocation (past the JWKS cache)");

        Assert.Equal((SigningKeyAction.Rotated, SigningKeyAction.Waited, SigningKeyAction.Revoked), (rotated.Action, sameDay.Action, revoked.Action));
        Assert.Equal(new[] { previous }, revoked.RevokedKids);
        Assert.True(end.Rejected == 0 && end.CallErrors == 0 && end.TokenErrors == 0, end.ToString());
        Assert.True(end.KidsAccepted.ContainsKey(previous) && end.KidsAccepted.ContainsKey(rotated.CurrentKid!), end.ToString());
    }

    [Fact]
    public async Task Without_a_retention_window_the_revocation_right_after_the_rotation_rejects_tokens_that_have_not_expired()
    {
        await using EmulatorServer emulator = await EmulatorServer.StartAsync();
        using Auth0Connection connection = await ConnectAsync(emulator);
        var noRetention = new SigningKeyPolicy { RotateAfter = RotateAfter, RetentionPeriod = TimeSpan.Zero, RevokePrevious = true };
        var keys = new SigningKeyManager(connection.Management, new UnattendedRotationHost());
        await using ResourceServer api = await ResourceServer.StartAsync(emulator);
        await api.WaitForAsync(s => s.Accepted >= 10, TimeSpan.FromSeconds(30), "the caller to warm up");

        await AdvanceAsync(emulator, RotateAfter + TimeSpan.FromDays(1));
        // Rotate and revoke just after the caller took a token, as a token in use always is somewhere.
        int tokens = (await api.StatsAsync()).Tokens;
        await api.WaitForAsync(s => s.Tokens > tokens, ResourceServer.TokenReuse * 3, "the caller to take a new token");
        SigningKeyRotationResult rotated = (await keys.InvokeAsync(noRetention, verify: true, Array.Empty<Uri>(), CancellationToken.None))!;
        string previous = rotated.Keys.Single(k => k.State == SigningKeyState.Previous).Kid;
        SigningKeyRotationResult revoked = (await keys.InvokeAsync(noRetention, verify: true, Array.Empty<Uri>(), CancellationToken.None))!;

        ResourceServerStats rejected = await api.WaitForAsync(s => s.Rejected > 0, ResourceServer.TokenReuse * 3, "a rejected request");
        Assert.Equal((SigningKeyAction.Rotated, SigningKeyAction.Revoked), (rotated.Action, revoked.Action));
        Assert.Equal(new[] { previous }, rejected.KidsRejected.Keys);
        Assert.Contains("invalid_token", rejected.LastRejection ?? string.Empty, StringComparison.Ordinal);
        // Once the caller takes a new token (signed with the new key) it is served again.
        await api.WaitForAsync(s => s.KidsAccepted.GetValueOrDefault(rotated.CurrentKid!) >= 5, ResourceServer.TokenReuse * 5, "requests with a new token");
    }

    private Task<Auth0Connection> ConnectAsync(EmulatorServer emulator) =>
        Auth0Emulator.ConnectAsync(emulator, o => o.Clock = () => DateTimeOffset.UtcNow + _offset);

    private async Task AdvanceAsync(EmulatorServer emulator, TimeSpan by)
    {
        await Auth0Emulator.AdvanceClockAsync(emulator, by);
        _offset += by;
    }
}
