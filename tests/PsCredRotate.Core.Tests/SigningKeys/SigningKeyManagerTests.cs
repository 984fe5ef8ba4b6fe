using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Core.Tests.SigningKeys;

public sealed class SigningKeyManagerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A tenant rotated once at day 0 (K1 previous, K2 current, K3 next), now at <paramref name="day"/>.</summary>
    private static async Task<FakeSigningKeyApi> RotatedAsync(double day)
    {
        var api = new FakeSigningKeyApi(T0.AddDays(-100));
        api.Now = T0;
        await api.RotateSigningKeyAsync(CancellationToken.None);
        api.Calls.Clear();
        api.Now = T0.AddDays(day);
        return api;
    }

    private static string State(FakeSigningKeyApi api) => string.Join(",", api.Keys.Select(k => k.Kid + ":" + k.State));

    [Fact]
    public async Task Get_filters_by_state_and_reads_one_key_by_kid()
    {
        FakeSigningKeyApi api = await RotatedAsync(1);
        var manager = new SigningKeyManager(api, new AnsweringHost());

        Assert.Equal(new[] { "K1" }, (await manager.GetAsync(null, new[] { SigningKeyState.Previous }, CancellationToken.None)).Select(k => k.Kid));
        Assert.Equal(new[] { "K2", "K3" }, (await manager.GetAsync(null, new[] { SigningKeyState.Current, SigningKeyState.Next }, CancellationToken.None)).Select(k => k.Kid));
        Assert.Equal(3, (await manager.GetAsync(null, null, CancellationToken.None)).Count);
        Assert.Equal("K3", Assert.Single(await manager.GetAsync("K3", null, CancellationToken.None)).Kid);
        Assert.Empty(await manager.GetAsync("K3", new[] { SigningKeyState.Current }, CancellationToken.None));
        Assert.Contains("GET /keys/signing/K3", api.Calls);
    }

    [Theory]
    [InlineData("K2", "SigningKeyIsCurrent")]
    [InlineData("K3", "SigningKeyIsNext")]
    [InlineData("nope", "SigningKeyNotFound")]
    [InlineData("K1", "SigningKeyInRetention")]
    public async Task Revoke_refusals_have_their_own_ErrorId_and_make_no_write(string kid, string errorId)
    {
        FakeSigningKeyApi api = await RotatedAsync(3);
        string before = State(api);
        var host = new AnsweringHost();

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, host).RevokeAsync(kid, TimeSpan.FromDays(7), force: false, CancellationToken.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(kid, ex.Target);
        Assert.Empty(api.Writes);
        Assert.Empty(host.Asked);
        Assert.Equal(before, State(api));
    }

    [Fact]
    public async Task Force_does_not_revoke_the_current_or_next_key()
    {
        FakeSigningKeyApi api = await RotatedAsync(30);
        var manager = new SigningKeyManager(api, new AnsweringHost());

        Assert.Equal(ErrorIds.SigningKeyIsCurrent, (await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RevokeAsync("K2", TimeSpan.Zero, force: true, CancellationToken.None))).ErrorId);
        Assert.Equal(ErrorIds.SigningKeyIsNext, (await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RevokeAsync("K3", TimeSpan.Zero, force: true, CancellationToken.None))).ErrorId);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task A_previous_key_past_the_retention_period_is_revoked_after_ShouldProcess_that_names_the_consequence()
    {
        FakeSigningKeyApi api = await RotatedAsync(8);
        var host = new AnsweringHost();

        IReadOnlyList<SigningKey> revoked = await new SigningKeyManager(api, host).RevokeAsync("K1", TimeSpan.FromDays(7), force: false, CancellationToken.None);

        SigningKey key = Assert.Single(revoked);
        Assert.Equal(SigningKeyState.Revoked, key.State);
        Assert.Equal(T0.AddDays(8), key.RevokedAt);
        Assert.Equal(new[] { "PUT /keys/signing/K1/revoke" }, api.Writes);
        (string target, string action) = Assert.Single(host.Asked);
        Assert.Contains("K1", target, StringComparison.Ordinal);
        Assert.Contains("tokens signed with the key K1 stop validating", action, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inside_the_retention_period_Force_revokes()
    {
        FakeSigningKeyApi api = await RotatedAsync(1);

        IReadOnlyList<SigningKey> revoked = await new SigningKeyManager(api, new AnsweringHost()).RevokeAsync("K1", TimeSpan.FromDays(7), force: true, CancellationToken.None);

        Assert.Equal(SigningKeyState.Revoked, Assert.Single(revoked).State);
    }

    [Fact]
    public async Task The_retention_message_says_when_the_window_ends()
    {
        FakeSigningKeyApi api = await RotatedAsync(3);

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, new AnsweringHost()).RevokeAsync("K1", TimeSpan.FromDays(7), false, CancellationToken.None));

        Assert.Contains("3 d ago", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2026-01-08 00:00:00Z", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_an_already_revoked_key_is_SigningKeyAlreadyRevoked()
    {
        FakeSigningKeyApi api = await RotatedAsync(10);
        var manager = new SigningKeyManager(api, new AnsweringHost());
        await manager.RevokeAsync("K1", TimeSpan.FromDays(7), false, CancellationToken.None);
        api.Calls.Clear();

        Assert.Equal(ErrorIds.SigningKeyAlreadyRevoked, (await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RevokeAsync("K1", TimeSpan.FromDays(7), false, CancellationToken.None))).ErrorId);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task Previous_without_a_previous_key_is_SigningKeyNoPrevious()
    {
        var api = new FakeSigningKeyApi(T0);

        Assert.Equal(ErrorIds.SigningKeyNoPrevious, (await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, new AnsweringHost()).RevokeAsync(null, TimeSpan.FromDays(7), false, CancellationToken.None))).ErrorId);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task Previous_revokes_all_previous_keys_or_none_when_one_is_in_retention()
    {
        FakeSigningKeyApi api = await RotatedAsync(20);
        await api.RotateSigningKeyAsync(CancellationToken.None); // K2 previous since day 20
        api.Calls.Clear();
        var manager = new SigningKeyManager(api, new AnsweringHost());

        Assert.Equal(ErrorIds.SigningKeyInRetention, (await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RevokeAsync(null, TimeSpan.FromDays(7), false, CancellationToken.None))).ErrorId);
        Assert.Empty(api.Writes);

        api.Now = T0.AddDays(27);
        IReadOnlyList<SigningKey> revoked = await manager.RevokeAsync(null, TimeSpan.FromDays(7), false, CancellationToken.None);
        Assert.Equal(new[] { "K1", "K2" }, revoked.Select(k => k.Kid).OrderBy(k => k));
    }

    [Fact]
    public async Task Under_WhatIf_revoke_asks_and_writes_nothing()
    {
        FakeSigningKeyApi api = await RotatedAsync(10);
        var host = new AnsweringHost(whatIf: true);

        Assert.Empty(await new SigningKeyManager(api, host).RevokeAsync("K1", TimeSpan.FromDays(7), false, CancellationToken.None));
        Assert.Single(host.Asked);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task A_negative_retention_period_is_SigningKeyPolicyInvalid_before_any_call()
    {
        var api = new FakeSigningKeyApi(T0);

        Assert.Equal(ErrorIds.SigningKeyPolicyInvalid, (await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, new AnsweringHost()).RevokeAsync("K1", TimeSpan.FromDays(-1), false, CancellationToken.None))).ErrorId);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Invoke_rotates_and_returns_the_state_after_and_why()
    {
        var api = new FakeSigningKeyApi(T0);
        var host = new AnsweringHost();

        SigningKeyRotationResult? result = await new SigningKeyManager(api, host).InvokeAsync(new SigningKeyPolicy(), false, Array.Empty<Uri>(), CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(SigningKeyAction.Rotated, result!.Action);
        Assert.Equal("K2", result.CurrentKid);
        Assert.Equal("K3", result.NextKid);
        Assert.Equal(new[] { "K1" }, result.PreviousKids);
        Assert.Equal(new[] { "POST /keys/signing/rotate" }, api.Writes);
        Assert.Contains("K2 becomes current", Assert.Single(host.Asked).Action, StringComparison.Ordinal);
        Assert.Empty(result.VerifiedJwksUris);
    }

    [Fact]
    public async Task Invoke_that_waits_makes_no_write_and_says_until_when()
    {
        FakeSigningKeyApi api = await RotatedAsync(3);
        var policy = new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(90), RetentionPeriod = TimeSpan.FromDays(14), RevokePrevious = true };

        SigningKeyRotationResult? result = await new SigningKeyManager(api, new AnsweringHost()).InvokeAsync(policy, false, Array.Empty<Uri>(), CancellationToken.None);

        Assert.Equal(SigningKeyAction.Waited, result!.Action);
        Assert.Equal(T0.AddDays(14), result.NextActionAt);
        Assert.Empty(api.Writes);
        Assert.Equal(new[] { "GET /keys/signing" }, api.Calls);
    }

    [Fact]
    public async Task Invoke_under_WhatIf_writes_nothing_and_returns_no_result()
    {
        FakeSigningKeyApi api = await RotatedAsync(100);
        var host = new AnsweringHost(whatIf: true);
        var policy = new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(90), RevokePrevious = true };

        Assert.Null(await new SigningKeyManager(api, host).InvokeAsync(policy, false, Array.Empty<Uri>(), CancellationToken.None));
        Assert.Equal(2, host.Asked.Count);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task Invoke_with_verification_refuses_to_rotate_when_a_JWKS_does_not_serve_the_next_key()
    {
        var api = new FakeSigningKeyApi(T0);
        var gateway = new Uri("https://gateway.example.com/.well-known/jwks.json");
        api.Jwks[gateway.AbsoluteUri] = new[] { "K1" };

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, new AnsweringHost()).InvokeAsync(new SigningKeyPolicy(), true, new[] { gateway }, CancellationToken.None));

        Assert.Equal(ErrorIds.SigningKeyNotPublished, ex.ErrorId);
        Assert.Equal(gateway.AbsoluteUri, ex.Target);
        Assert.Contains("Not rotated", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Writes);
    }

    [Fact]
    public async Task Invoke_with_verification_reports_a_JWKS_that_does_not_serve_the_new_current_key_after_the_rotation()
    {
        var api = new FakeSigningKeyApi(T0);
        var gateway = new Uri("https://gateway.example.com/jwks");
        var host = new AnsweringHost();
        // The gateway serves K2 before the rotation but a stale copy without it afterwards.
        api.Jwks[gateway.AbsoluteUri] = new[] { "K1", "K2" };
        var hostWithSwap = new SwappingHost(host, () => api.Jwks[gateway.AbsoluteUri] = new[] { "K1" });
        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, hostWithSwap).InvokeAsync(new SigningKeyPolicy(), true, new[] { gateway }, CancellationToken.None));

        Assert.Equal(ErrorIds.SigningKeyNotPublished, ex.ErrorId);
        Assert.Contains("The rotation happened", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "POST /keys/signing/rotate" }, api.Writes);
    }

    [Fact]
    public async Task Invoke_with_verification_checks_the_tenant_JWKS_and_every_given_one_before_and_after()
    {
        var api = new FakeSigningKeyApi(T0);
        var a = new Uri("https://a.example.com/jwks");
        var b = new Uri("http://b.example.com/jwks");

        SigningKeyRotationResult? result = await new SigningKeyManager(api, new AnsweringHost()).InvokeAsync(new SigningKeyPolicy(), true, new[] { a, b }, CancellationToken.None);

        Assert.Equal(new[] { "https://tenant.example.com/.well-known/jwks.json", a.AbsoluteUri, b.AbsoluteUri }, result!.VerifiedJwksUris);
        Assert.Equal(2, api.Calls.Count(c => c == "GET jwks tenant"));
        Assert.Equal(2, api.Calls.Count(c => c == "GET jwks " + a.AbsoluteUri));
    }

    [Fact]
    public async Task A_relative_JWKS_uri_is_SigningKeyPolicyInvalid_before_any_call()
    {
        var api = new FakeSigningKeyApi(T0);

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new SigningKeyManager(api, new AnsweringHost()).InvokeAsync(new SigningKeyPolicy(), true, new[] { new Uri("/jwks", UriKind.Relative) }, CancellationToken.None));

        Assert.Equal(ErrorIds.SigningKeyPolicyInvalid, ex.ErrorId);
        Assert.Empty(api.Calls);
    }

    /// <summary>Runs an action when ShouldProcess is answered (to change the world between the check before and the check after).</summary>
    private sealed class SwappingHost : PsCredRotate.Core.Rotation.IRotationHost
    {
        private readonly AnsweringHost _inner;
        private readonly Action _onProcess;

        public SwappingHost(AnsweringHost inner, Action onProcess)
        {
            _inner = inner;
            _onProcess = onProcess;
        }

        public bool WhatIf => false;

        public bool ShouldProcess(string target, string action)
        {
            _onProcess();
            return _inner.ShouldProcess(target, action);
        }

        public bool ShouldContinue(string query, string caption) => true;

        public void Verbose(string message) => _inner.Verbose(message);

        public void Debug(string message) => _inner.Debug(message);

        public void Warning(string message) => _inner.Warning(message);
    }
}
