using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.ConnectionKeys;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Tests.Auth0;
using PsCredRotate.Core.Tests.Http;
using PsCredRotate.Core.Tests.Rotation;

namespace PsCredRotate.Core.Tests.ConnectionKeys;

public sealed class ConnectionKeyManagerTests
{
    private const string Oidc = "{\"id\":\"con_1\",\"name\":\"upstream\",\"strategy\":\"oidc\",\"options\":{\"token_endpoint_auth_method\":\"private_key_jwt\",\"token_endpoint_auth_signing_alg\":\"RS256\"}}";
    private const string OktaSecret = "{\"id\":\"con_1\",\"name\":\"upstream\",\"strategy\":\"okta\",\"options\":{\"token_endpoint_auth_method\":\"client_secret_post\"}}";
    private const string Database = "{\"id\":\"con_1\",\"name\":\"Username-Password\",\"strategy\":\"auth0\",\"options\":{}}";

    private static readonly DateTimeOffset CertEnd = new(2027, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly string CertPem = MakeCert();

    private static string MakeCert()
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=upstream", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(CertEnd.AddYears(-1), CertEnd);
        return cert.ExportCertificatePem().Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
    }

    private static string Key(string kid, string flags) =>
        $"{{\"kid\":\"{kid}\",\"algorithm\":\"RS256\",\"key_use\":\"signing\",\"subject_dn\":\"/CN=upstream\",\"cert\":{System.Text.Json.JsonSerializer.Serialize(CertPem)},"
        + $"\"fingerprint\":\"AA:BB\",\"thumbprint\":\"AABB\",\"pkcs\":\"-----BEGIN PKCS7-----\"{flags}}}";

    private static readonly string Before = "[" + Key("kidNext", ",\"next\":true") + "," + Key("kidCur", ",\"current\":true,\"current_since\":\"2026-01-01T00:00:00.000Z\"") + "]";
    private static readonly string After = "[" + Key("kidOld", ",\"previous\":true") + "," + Key("kidNew", ",\"next\":true") + "," + Key("kidNext", ",\"current\":true,\"current_since\":\"2026-11-29T12:00:00.000Z\"") + "]";

    private sealed class Api
    {
        public string Connection { get; set; } = Oidc;

        public List<string> Bodies { get; } = new();

        public bool Rotated { get; set; }

        public Func<HttpRequestMessage, HttpResponseMessage?>? Provision { get; set; }

        public HttpResponseMessage? Answer(HttpRequestMessage r)
        {
            if (FakeTenant.Is(r, "GET", "/api/v2/connections/con_1"))
            {
                return FakeTenant.Ok(Connection);
            }

            if (FakeTenant.Is(r, "GET", "/api/v2/connections/con_1/keys"))
            {
                return FakeTenant.Ok(Rotated ? After : Before);
            }

            if (r.Method == HttpMethod.Post)
            {
                Bodies.Add(r.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
            }

            if (FakeTenant.Is(r, "POST", "/api/v2/connections/con_1/keys/rotate"))
            {
                Rotated = true;
                return FakeHandler.Json(System.Net.HttpStatusCode.Created, Key("kidNew", ",\"next\":true"));
            }

            if (FakeTenant.Is(r, "POST", "/api/v2/connections/con_1/keys"))
            {
                return Provision?.Invoke(r) ?? FakeHandler.Json(System.Net.HttpStatusCode.Created, Before);
            }

            return null;
        }
    }

    private static (FakeTenant Tenant, Api Api) Start(string connection = Oidc)
    {
        var api = new Api { Connection = connection };
        return (new FakeTenant(api.Answer), api);
    }

    [Fact]
    public async Task Get_reads_the_connection_then_its_keys_with_state_certificate_expiry_and_thumbprints_current_first()
    {
        (FakeTenant tenant, _) = Start();
        using (tenant)
        {
            IReadOnlyList<ConnectionKey> keys = await new ConnectionKeyManager(tenant.Connection, new RecordingHost()).GetAsync("con_1", CancellationToken.None);

            Assert.Equal(new[] { "GET /api/v2/connections/con_1", "GET /api/v2/connections/con_1/keys" }, tenant.ApiCalls);
            Assert.Equal(new[] { ("kidCur", ConnectionKeyState.Current), ("kidNext", ConnectionKeyState.Next) }, keys.Select(k => (k.Kid, k.State)));
            ConnectionKey current = keys[0];
            Assert.Equal("con_1", current.ConnectionId);
            Assert.Equal("RS256", current.Algorithm);
            Assert.Equal("signing", current.KeyUse);
            Assert.Equal("AABB", current.Thumbprint);
            Assert.Equal("AA:BB", current.Fingerprint);
            Assert.Equal("/CN=upstream", current.SubjectDn);
            Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), current.CurrentSince);
            Assert.Equal(CertEnd, current.NotAfter);
            Assert.Null(keys[1].CurrentSince);
        }
    }

    [Theory]
    [InlineData(Database, "ConnectionKeysUnsupported")]
    [InlineData(OktaSecret, "ConnectionNotPrivateKeyJwt")]
    public async Task Writes_to_an_unsuitable_connection_are_refused_after_the_read_without_asking(string connection, string errorId)
    {
        (FakeTenant tenant, Api api) = Start(connection);
        using (tenant)
        {
            var host = new RecordingHost();
            var manager = new ConnectionKeyManager(tenant.Connection, host);

            PsCredRotateException rotate = await Assert.ThrowsAsync<PsCredRotateException>(() => manager.RotateAsync("con_1", null, CancellationToken.None));
            PsCredRotateException provision = await Assert.ThrowsAsync<PsCredRotateException>(() => manager.ProvisionAsync("con_1", null, CancellationToken.None));

            Assert.Equal(errorId, rotate.ErrorId);
            Assert.Equal(errorId, provision.ErrorId);
            Assert.Equal("con_1", rotate.Target);
            Assert.All(tenant.ApiCalls, c => Assert.Equal("GET /api/v2/connections/con_1", c));
            Assert.Empty(api.Bodies);
            Assert.Empty(host.Processed);
        }
    }

    [Fact]
    public async Task Get_on_a_strategy_without_keys_is_ConnectionKeysUnsupported_before_the_keys_call()
    {
        (FakeTenant tenant, _) = Start(Database);
        using (tenant)
        {
            PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new ConnectionKeyManager(tenant.Connection, new RecordingHost()).GetAsync("con_1", CancellationToken.None));

            Assert.Equal(ErrorIds.ConnectionKeysUnsupported, ex.ErrorId);
            Assert.Equal(new[] { "GET /api/v2/connections/con_1" }, tenant.ApiCalls);
        }
    }

    [Fact]
    public async Task Rotate_asks_naming_the_next_key_rotates_once_and_returns_the_new_state()
    {
        (FakeTenant tenant, Api api) = Start();
        using (tenant)
        {
            var host = new RecordingHost();

            IReadOnlyList<ConnectionKey>? keys = await new ConnectionKeyManager(tenant.Connection, host).RotateAsync("con_1", "PS256", CancellationToken.None);

            Assert.Equal(
                new[] { "GET /api/v2/connections/con_1", "GET /api/v2/connections/con_1/keys", "POST /api/v2/connections/con_1/keys/rotate", "GET /api/v2/connections/con_1/keys" },
                tenant.ApiCalls);
            Assert.Equal(new[] { "{\"signing_alg\":\"PS256\"}" }, api.Bodies);
            (string target, string action) = Assert.Single(host.Processed);
            Assert.Contains("con_1", target, StringComparison.Ordinal);
            Assert.Contains("'kidNext' becomes current", action, StringComparison.Ordinal);
            Assert.Contains("'kidCur' becomes previous", action, StringComparison.Ordinal);
            Assert.Equal(new[] { ("kidNext", ConnectionKeyState.Current), ("kidNew", ConnectionKeyState.Next), ("kidOld", ConnectionKeyState.Previous) }, keys!.Select(k => (k.Kid, k.State)));
        }
    }

    [Fact]
    public async Task Rotate_declined_or_under_WhatIf_reads_only()
    {
        (FakeTenant tenant, Api api) = Start();
        using (tenant)
        {
            Assert.Null(await new ConnectionKeyManager(tenant.Connection, new RecordingHost { WhatIf = true }).RotateAsync("con_1", null, CancellationToken.None));
            Assert.Null(await new ConnectionKeyManager(tenant.Connection, new RecordingHost { Answer = (_, _) => false }).ProvisionAsync("con_1", null, CancellationToken.None));

            Assert.Empty(api.Bodies);
            Assert.DoesNotContain(tenant.ApiCalls, c => c.StartsWith("POST", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Provision_sends_an_empty_body_by_default_and_returns_the_keys()
    {
        (FakeTenant tenant, Api api) = Start();
        using (tenant)
        {
            IReadOnlyList<ConnectionKey>? keys = await new ConnectionKeyManager(tenant.Connection, new RecordingHost()).ProvisionAsync("con_1", null, CancellationToken.None);

            Assert.Equal(new[] { "{}" }, api.Bodies);
            Assert.Equal(new[] { "kidCur", "kidNext" }, keys!.Select(k => k.Kid));
        }
    }

    [Fact]
    public async Task Auth0s_409_on_provision_is_ConnectionKeysExist()
    {
        (FakeTenant tenant, Api api) = Start();
        using (tenant)
        {
            api.Provision = _ => FakeHandler.Auth0Error(409, "Keys have already been created for this connection.", "conflict");

            ApiException ex = await Assert.ThrowsAsync<ApiException>(() => new ConnectionKeyManager(tenant.Connection, new RecordingHost()).ProvisionAsync("con_1", null, CancellationToken.None));

            Assert.Equal(ErrorIds.ConnectionKeysExist, ex.ErrorId);
            Assert.Equal(ErrorKind.ResourceExists, ex.Kind);
            Assert.Equal(409, ex.StatusCode);
            Assert.Equal("con_1", ex.Target);
        }
    }

    [Fact]
    public async Task An_unknown_connection_is_ConnectionNotFound()
    {
        using var tenant = new FakeTenant(_ => FakeHandler.Auth0Error(404, "The connection does not exist", "inexistent_connection"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => new ConnectionKeyManager(tenant.Connection, new RecordingHost()).RotateAsync("con_x", null, CancellationToken.None));

        Assert.Equal(ErrorIds.ConnectionNotFound, ex.ErrorId);
        Assert.Equal(new[] { "GET /api/v2/connections/con_x" }, tenant.ApiCalls);
    }

    [Fact]
    public async Task Rotating_a_connection_without_keys_is_ConnectionKeysMissing_before_any_write()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/connections/con_1") ? FakeTenant.Ok(Oidc)
            : FakeTenant.Is(r, "GET", "/api/v2/connections/con_1/keys") ? FakeTenant.Ok("[]")
            : null);

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => new ConnectionKeyManager(tenant.Connection, new RecordingHost()).RotateAsync("con_1", null, CancellationToken.None));

        Assert.Equal(ErrorIds.ConnectionKeysMissing, ex.ErrorId);
        Assert.DoesNotContain(tenant.ApiCalls, c => c.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_algorithm_is_refused_before_any_call()
    {
        (FakeTenant tenant, _) = Start();
        using (tenant)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => new ConnectionKeyManager(tenant.Connection, new RecordingHost()).RotateAsync("con_1", "HS256", CancellationToken.None));

            Assert.Empty(tenant.ApiCalls);
        }
    }

    [Fact]
    public void An_unreadable_certificate_leaves_NotAfter_empty()
    {
        Assert.Null(ConnectionKeyWire.NotAfter("not a pem"));
        Assert.Null(ConnectionKeyWire.NotAfter(null));
        Assert.Equal(CertEnd, ConnectionKeyWire.NotAfter(CertPem));
    }
}
