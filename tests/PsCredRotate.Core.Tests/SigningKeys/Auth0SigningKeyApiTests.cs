using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.SigningKeys;
using PsCredRotate.Core.Tests.Auth0;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.SigningKeys;

/// <summary>The signing-key calls of Auth0ManagementApi on the wire (reference §2: flags only when true, dates as strings, PEM with CRLF).</summary>
public sealed class Auth0SigningKeyApiTests
{
    private static readonly DateTimeOffset NotAfter = new(2036, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<string> CertPem = new(() =>
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256, Certificate = true, Name = "tenant", NotAfter = NotAfter });
        return key.CertificatePem!.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
    });

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static string List() =>
        "[{\"kid\":\"kPrev\",\"cert\":" + Json(CertPem.Value) + ",\"fingerprint\":\"CC:FB\",\"thumbprint\":\"CCFB\",\"previous\":true,\"current_since\":\"2026-01-01T00:00:00.000Z\",\"current_until\":\"2026-04-01T00:00:00.000Z\"},"
        + "{\"kid\":\"kCur\",\"cert\":" + Json(CertPem.Value) + ",\"fingerprint\":\"AA:BB\",\"thumbprint\":\"AABB\",\"current\":true,\"current_since\":\"2026-04-01T00:00:00.000Z\"},"
        + "{\"kid\":\"kNext\",\"cert\":" + Json(CertPem.Value) + ",\"fingerprint\":\"11:22\",\"thumbprint\":\"1122\",\"next\":true},"
        + "{\"kid\":\"kGone\",\"cert\":" + Json(CertPem.Value) + ",\"fingerprint\":\"33:44\",\"thumbprint\":\"3344\",\"previous\":true,\"revoked\":true,\"revoked_at\":\"2025-12-01T00:00:00.000Z\",\"current_until\":\"2025-11-01T00:00:00.000Z\"}]";

    [Fact]
    public async Task The_list_is_read_with_states_dates_and_the_certificate_NotAfter()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/keys/signing") ? FakeTenant.Ok(List()) : null);

        IReadOnlyList<SigningKey> keys = await tenant.Connection.Management.ListSigningKeysAsync(CancellationToken.None);

        Assert.Equal(new[] { "kPrev:Previous", "kCur:Current", "kNext:Next", "kGone:Revoked" }, keys.Select(k => k.Kid + ":" + k.State));
        SigningKey prev = keys[0];
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), prev.CurrentSince);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), prev.CurrentUntil);
        Assert.Equal("CCFB", prev.Thumbprint);
        Assert.Equal("CC:FB", prev.Fingerprint);
        Assert.Equal(NotAfter, prev.NotAfter);
        Assert.Equal(FakeTenant.Domain, prev.Tenant);
        Assert.Null(keys[2].CurrentSince);
        Assert.Equal(new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero), keys[3].RevokedAt);
        Assert.Equal(new[] { "GET /api/v2/keys/signing" }, tenant.ApiCalls);
    }

    [Fact]
    public async Task An_unknown_kid_is_SigningKeyNotFound_with_the_kid_as_target()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/keys/signing/nope") ? FakeHandler.Auth0Error(404, "Signing key not found") : null);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.Management.GetSigningKeyAsync("nope", CancellationToken.None));

        Assert.Equal(ErrorIds.SigningKeyNotFound, ex.ErrorId);
        Assert.Equal("nope", ex.Target);
    }

    [Fact]
    public async Task A_key_without_any_state_flag_is_ApiResponseInvalid()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("[{\"kid\":\"k\",\"cert\":" + Json(CertPem.Value) + ",\"fingerprint\":\"A\",\"thumbprint\":\"A\"}]"));

        Assert.Equal(ErrorIds.ApiResponseInvalid, (await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.Management.ListSigningKeysAsync(CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task A_malformed_certificate_is_ApiResponseInvalid()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("[{\"kid\":\"k\",\"cert\":\"-----BEGIN CERTIFICATE-----\\r\\nAAAA\\r\\n-----END CERTIFICATE-----\\r\\n\",\"fingerprint\":\"A\",\"thumbprint\":\"A\",\"current\":true}]"));

        Assert.Equal(ErrorIds.ApiResponseInvalid, (await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.Management.ListSigningKeysAsync(CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task Rotate_posts_once_and_returns_the_new_next_kid_and_is_not_retried_after_a_5xx()
    {
        int posts = 0;
        using var ok = new FakeTenant(r => FakeTenant.Is(r, "POST", "/api/v2/keys/signing/rotate") ? FakeHandler.Json(HttpStatusCode.Created, "{\"cert\":\"x\",\"kid\":\"kNew\"}") : null);
        Assert.Equal("kNew", await ok.Connection.Management.RotateSigningKeyAsync(CancellationToken.None));

        using var failing = new FakeTenant(r =>
        {
            posts++;
            return FakeHandler.Auth0Error(503, "unavailable");
        });
        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => failing.Connection.Management.RotateSigningKeyAsync(CancellationToken.None));
        Assert.Equal(ErrorIds.ApiServerError, ex.ErrorId);
        Assert.Equal(1, posts);
    }

    [Fact]
    public async Task Revoke_puts_to_the_kid_and_a_400_keeps_Auth0s_message()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "PUT", "/api/v2/keys/signing/kPrev/revoke")
            ? FakeTenant.Ok("{\"cert\":\"x\",\"kid\":\"kPrev\"}")
            : FakeHandler.Auth0Error(400, "Only the previous signing key can be revoked.", "invalid_request"));

        Assert.Equal("kPrev", await tenant.Connection.Management.RevokeSigningKeyAsync("kPrev", CancellationToken.None));
        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.Management.RevokeSigningKeyAsync("kCur", CancellationToken.None));
        Assert.Equal(ErrorIds.ApiBadRequest, ex.ErrorId);
        Assert.Contains("Only the previous signing key can be revoked.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_JWKS_is_read_without_the_management_token_from_the_tenant_or_an_absolute_uri()
    {
        using var tenant = new FakeTenant(r =>
            r.RequestUri!.AbsolutePath == "/.well-known/jwks.json" ? FakeTenant.Ok("{\"keys\":[{\"kid\":\"kCur\",\"kty\":\"RSA\"},{\"kid\":\"kNext\"}]}")
            : r.RequestUri!.Host == "gateway.example.com" ? FakeTenant.Ok("{\"keys\":[{\"kid\":\"kCur\"}]}")
            : null);
        ISigningKeyApi api = tenant.Connection.Management;

        Assert.Equal(new[] { "kCur", "kNext" }, await api.GetJwksKidsAsync(null, CancellationToken.None));
        Assert.Equal(new[] { "kCur" }, await api.GetJwksKidsAsync(new Uri("https://gateway.example.com/keys"), CancellationToken.None));
        Assert.All(tenant.Handler.Requests.Where(r => r.Uri.AbsolutePath != "/oauth/token"), r => Assert.Null(r.Authorization));
        Assert.Contains(tenant.Handler.Requests, r => r.Uri.AbsoluteUri == "https://" + FakeTenant.Domain + "/.well-known/jwks.json");
        Assert.Equal(0, tenant.TokenRequests);
    }

    [Fact]
    public async Task A_JWKS_without_keys_is_ApiResponseInvalid()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("{\"issuer\":\"x\"}"));

        Assert.Equal(ErrorIds.ApiResponseInvalid, (await Assert.ThrowsAsync<ApiException>(() => ((ISigningKeyApi)tenant.Connection.Management).GetJwksKidsAsync(null, CancellationToken.None))).ErrorId);
    }
}

/// <summary>Get-ExpiringCredential's signing-key source.</summary>
public sealed class Auth0SigningKeyExpirySourceTests
{
    [Fact]
    public async Task Every_signing_key_but_the_revoked_one_is_listed_by_certificate_NotAfter_with_its_state()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256, Certificate = true, Name = "t", NotAfter = new DateTimeOffset(2027, 1, 9, 12, 0, 0, TimeSpan.Zero) });
        string cert = System.Text.Json.JsonSerializer.Serialize(key.CertificatePem);
        string list = "[{\"kid\":\"kCur\",\"cert\":" + cert + ",\"fingerprint\":\"A\",\"thumbprint\":\"A\",\"current\":true,\"current_since\":\"2026-01-01T00:00:00.000Z\"},"
            + "{\"kid\":\"kGone\",\"cert\":" + cert + ",\"fingerprint\":\"B\",\"thumbprint\":\"B\",\"previous\":true,\"revoked\":true,\"revoked_at\":\"2026-02-01T00:00:00.000Z\"}]";
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/keys/signing") ? FakeTenant.Ok(list) : null);
        var source = new Auth0SigningKeyExpirySource(tenant.Connection);

        IReadOnlyList<PsCredRotate.Core.Inventory.ExpiringCredential> found = await source.ReadAsync(tenant.Now, null, CancellationToken.None);

        PsCredRotate.Core.Inventory.ExpiringCredential only = Assert.Single(found);
        Assert.Equal(PsCredRotate.Core.Inventory.ExpiringCredentialSource.SigningKey, only.Source);
        Assert.Equal("kCur", only.Kid);
        Assert.Equal("Current", only.Name);
        Assert.Equal(new DateTimeOffset(2027, 1, 9, 12, 0, 0, TimeSpan.Zero), only.ExpiresAt);
        Assert.Equal(41, only.DaysLeft);
        Assert.Equal(FakeTenant.Domain, only.Tenant);
    }
}
