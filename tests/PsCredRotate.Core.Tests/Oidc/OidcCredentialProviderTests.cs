using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Tests.Http;
using PsCredRotate.Core.Tests.Rotation;

namespace PsCredRotate.Core.Tests.Oidc;

public sealed class OidcCredentialProviderTests
{
    private static RotationKey Old => RotationKeys.Get(0);

    private static RotationKey New => RotationKeys.Get(2);

    private static JsonObject Jwk(RotationKey key, string? kid = "(thumbprint)")
    {
        JsonObject jwk = OidcJwk.FromKey(key);
        if (kid is null)
        {
            jwk.Remove("kid");
        }
        else if (kid != "(thumbprint)")
        {
            jwk["kid"] = kid;
        }

        return jwk;
    }

    private static JsonObject UnknownEntry() => new() { ["kty"] = "oct", ["k"] = "AAAA", ["kid"] = "symmetric" };

    [Fact]
    public async Task Adding_a_key_puts_every_member_back_except_the_four_the_server_issues_and_changes_only_jwks()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old), UnknownEntry()));
        using OidcConnection connection = server.Connect();
        JsonObject before = (JsonObject)JsonNode.Parse(server.MetadataText())!;

        ClientCredential added = await connection.CredentialProvider.AddAsync(FakeRegistrationServer.ClientId, new NewClientCredential(New), CancellationToken.None);

        Assert.Equal(New.Kid, added.Id);
        Assert.Equal(New.Kid, added.Kid);
        Assert.True(added.Attached);
        FakeHandler.Recorded put = Assert.Single(server.Puts);
        var body = (JsonObject)JsonNode.Parse(put.Body!)!;
        var expectedMembers = before.Select(p => p.Key).Except(new[] { "client_secret_expires_at", "client_id_issued_at" }).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(expectedMembers, body.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.False(body.ContainsKey("registration_access_token"));
        Assert.False(body.ContainsKey("registration_client_uri"));
        Assert.Equal(FakeRegistrationServer.ClientId, body["client_id"]!.GetValue<string>());
        foreach (var member in before.Where(p => p.Key is not ("jwks" or "client_secret_expires_at" or "client_id_issued_at")))
        {
            Assert.True(JsonNode.DeepEquals(member.Value, body[member.Key]), $"member {member.Key} changed");
        }

        JsonArray keys = body["jwks"]!["keys"]!.AsArray();
        Assert.Equal(3, keys.Count);
        Assert.True(JsonNode.DeepEquals(before["jwks"]!["keys"]![0], keys[0]), "the old key changed");
        Assert.Equal(New.Kid, keys[1]!["kid"]!.GetValue<string>());
        Assert.Equal("sig", keys[1]!["use"]!.GetValue<string>());
        Assert.Equal("RS256", keys[1]!["alg"]!.GetValue<string>());
        Assert.Null(keys[1]!["d"]);
        Assert.True(JsonNode.DeepEquals(UnknownEntry(), keys[2]), "the entry PsCredRotate cannot read was not kept as it was");
    }

    [Fact]
    public async Task Deleting_a_key_removes_only_that_jwks_entry()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old), Jwk(New, "legacy-new")));
        using OidcConnection connection = server.Connect();

        await connection.CredentialProvider.DeleteAsync(FakeRegistrationServer.ClientId, New.Kid, CancellationToken.None);

        var body = (JsonObject)JsonNode.Parse(Assert.Single(server.Puts).Body!)!;
        JsonArray keys = body["jwks"]!["keys"]!.AsArray();
        Assert.Equal(Old.Kid, Assert.Single(keys)!["kid"]!.GetValue<string>());
        Assert.Equal("billing", body["client_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_key_that_is_gone_makes_no_write()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old)));
        using OidcConnection connection = server.Connect();

        await connection.CredentialProvider.DeleteAsync(FakeRegistrationServer.ClientId, New.Kid, CancellationToken.None);

        Assert.Empty(server.Puts);
    }

    [Fact]
    public async Task A_key_with_its_own_kid_is_named_by_its_thumbprint_and_the_assertion_carries_its_kid()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old, "legacy-1"), Jwk(New, kid: null)));
        using OidcConnection connection = server.Connect();

        ClientCredentialState state = await connection.CredentialProvider.ReadAsync(FakeRegistrationServer.ClientId, CancellationToken.None);
        ClientCredentialTestResult withKid = await connection.CredentialProvider.TestAsync(FakeRegistrationServer.ClientId, Old, null, CancellationToken.None);
        ClientCredentialTestResult withoutKid = await connection.CredentialProvider.TestAsync(FakeRegistrationServer.ClientId, New, null, CancellationToken.None);

        Assert.Equal(new[] { Old.Kid, New.Kid }, state.Credentials.Select(c => c.Id));
        Assert.Equal(new[] { Old.Kid, New.Kid }, state.Credentials.Select(c => c.Kid));
        Assert.Equal("legacy-1", state.Credentials[0].Name);
        Assert.Equal(new[] { Old.Kid, New.Kid }, state.AttachedIds);
        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, state.AuthenticationMethod);
        Assert.True(withKid.Success);
        Assert.True(withoutKid.Success);
        Assert.Equal(("legacy-1", FakeRegistrationServer.Issuer), server.Assertions[0]);
        Assert.Equal((null, FakeRegistrationServer.Issuer), server.Assertions[1]);
    }

    [Fact]
    public async Task A_refused_assertion_is_a_result_with_Success_false()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old)));
        using OidcConnection connection = server.Connect();

        ClientCredentialTestResult result = await connection.CredentialProvider.TestAsync(FakeRegistrationServer.ClientId, New, null, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("invalid_client", result.Error);
    }

    [Fact]
    public async Task A_rotated_registration_token_is_kept_and_used_for_the_next_call()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old))) { RotateOnPut = true };
        using OidcConnection connection = server.Connect();
        var log = new RecordingLog();

        using (OperationLog.Use(log))
        {
            await connection.CredentialProvider.AddAsync(FakeRegistrationServer.ClientId, new NewClientCredential(New), CancellationToken.None);
            ClientCredentialState state = await connection.CredentialProvider.ReadAsync(FakeRegistrationServer.ClientId, CancellationToken.None);
            Assert.Equal(2, state.Credentials.Count);
            await connection.CredentialProvider.DeleteAsync(FakeRegistrationServer.ClientId, Old.Kid, CancellationToken.None);
            await connection.CredentialProvider.ReadAsync(FakeRegistrationServer.ClientId, CancellationToken.None);
        }

        Assert.Equal("rat-2", server.Token);
        Assert.NotNull(connection.RegistrationAccessTokenRotatedAt);
        Assert.Equal("rat-2", new string(SecureStrings.ToChars(connection.RegistrationAccessToken)));
        Assert.Equal("Bearer rat-2", server.Handler.Requests.Last().Authorization);
        Assert.Single(log.Lines, l => l.StartsWith("WARNING: The server rotated the registration access token", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith("VERBOSE: The server rotated the registration access token", StringComparison.Ordinal));
        Assert.DoesNotContain("rat-2", log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("rat-0", log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("rat-1", log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("shh-client-secret", log.All, StringComparison.Ordinal);
        Assert.DoesNotContain("rat-", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_registration_token_is_OidcRegistrationTokenInvalid()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old)));
        var connection = OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = FakeRegistrationServer.RegistrationUri,
            RegistrationAccessToken = SecureStrings.FromString("wrong"),
            Handler = server.Handler,
            MaxRetries = 0,
        });

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.OidcRegistrationTokenInvalid, e.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_client_id_is_refused_before_any_call()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old)));
        using OidcConnection connection = server.Connect();
        int before = server.Handler.Count;

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.CredentialProvider.AddAsync("client-2", new NewClientCredential(New), CancellationToken.None));

        Assert.Equal(ErrorIds.OidcClientIdMismatch, e.ErrorId);
        Assert.Equal("client-2", e.Target);
        Assert.Equal(before, server.Handler.Count);
    }

    [Fact]
    public async Task A_client_with_jwks_uri_is_refused_without_a_write()
    {
        JsonObject metadata = FakeRegistrationServer.ClientMetadata();
        metadata.Remove("jwks");
        metadata["jwks_uri"] = "https://app.example/jwks.json";
        var server = new FakeRegistrationServer(metadata);
        using OidcConnection connection = server.Connect();

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.CredentialProvider.AddAsync(FakeRegistrationServer.ClientId, new NewClientCredential(New), CancellationToken.None));

        Assert.Equal(ErrorIds.OidcClientUsesJwksUri, e.ErrorId);
        Assert.Empty(server.Puts);
    }

    [Fact]
    public async Task A_client_on_a_secret_is_refused_without_a_write()
    {
        JsonObject metadata = FakeRegistrationServer.ClientMetadata(Jwk(Old));
        metadata["token_endpoint_auth_method"] = "client_secret_basic";
        var server = new FakeRegistrationServer(metadata);
        using OidcConnection connection = server.Connect();

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.CredentialProvider.AddAsync(FakeRegistrationServer.ClientId, new NewClientCredential(New), CancellationToken.None));
        ClientCredentialState state = await connection.CredentialProvider.ReadAsync(FakeRegistrationServer.ClientId, CancellationToken.None);

        Assert.Equal(ErrorIds.OidcClientNotPrivateKeyJwt, e.ErrorId);
        Assert.Empty(server.Puts);
        Assert.Empty(state.AttachedIds);
        Assert.False(Assert.Single(state.Credentials).Attached);
    }

    [Fact]
    public async Task Detaching_and_expiry_are_refused_with_their_ids_and_no_write()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata(Jwk(Old), Jwk(New)));
        using OidcConnection connection = server.Connect();
        IClientCredentialProvider provider = connection.CredentialProvider;

        PsCredRotateException detach = await Assert.ThrowsAsync<PsCredRotateException>(() => provider.SetAttachedAsync(FakeRegistrationServer.ClientId, new[] { Old.Kid }, CancellationToken.None));
        PsCredRotateException expiry = await Assert.ThrowsAsync<PsCredRotateException>(() => provider.SetExpiryAsync(FakeRegistrationServer.ClientId, Old.Kid, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));
        IReadOnlyList<string> same = await provider.SetAttachedAsync(FakeRegistrationServer.ClientId, new[] { New.Kid, Old.Kid }, CancellationToken.None);

        Assert.Equal(ErrorIds.OidcKeyCannotBeDetached, detach.ErrorId);
        Assert.Equal(ErrorIds.OidcExpiryUnsupported, expiry.ErrorId);
        Assert.Equal(new[] { Old.Kid, New.Kid }, same);
        Assert.Empty(server.Puts);
    }

    [Fact]
    public async Task Discovery_that_names_another_issuer_is_OidcDiscoveryFailed()
    {
        var handler = new FakeHandler((request, _) => request.RequestUri!.AbsolutePath == "/.well-known/openid-configuration"
            ? FakeHandler.Json(HttpStatusCode.OK, "{\"issuer\":\"https://evil.example\",\"token_endpoint\":\"https://evil.example/token\"}")
            : FakeHandler.Json(HttpStatusCode.OK, FakeRegistrationServer.ClientMetadata(Jwk(Old)).ToJsonString()));
        using var connection = OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = FakeRegistrationServer.RegistrationUri,
            RegistrationAccessToken = SecureStrings.FromString("t"),
            Handler = handler,
        });

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.OidcDiscoveryFailed, e.ErrorId);
    }

    [Theory]
    [InlineData("ftp://op.example/reg/1")]
    [InlineData("https://op.example/reg/1#frag")]
    public void A_registration_uri_that_is_not_http_is_refused(string uri)
    {
        PsCredRotateException e = Assert.Throws<PsCredRotateException>(() => OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = new Uri(uri),
            RegistrationAccessToken = SecureStrings.FromString("t"),
        }));

        Assert.Equal(ErrorIds.OidcRegistrationClientUriInvalid, e.ErrorId);
    }

    [Fact]
    public void Plain_http_to_a_host_that_is_not_loopback_is_InsecureTransport()
    {
        PsCredRotateException e = Assert.Throws<PsCredRotateException>(() => OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = new Uri("http://op.example/reg/1"),
            RegistrationAccessToken = SecureStrings.FromString("t"),
        }));

        Assert.Equal(ErrorIds.InsecureTransport, e.ErrorId);
    }

    [Fact]
    public void The_default_issuer_is_the_registration_uris_origin_and_discovery_tries_openid_then_rfc8414()
    {
        using var connection = OidcConnection.Create(new OidcConnectionOptions
        {
            RegistrationClientUri = new Uri("https://op.example:8443/tenant/reg/abc"),
            RegistrationAccessToken = SecureStrings.FromString("t"),
        });

        Assert.Equal(new Uri("https://op.example:8443/"), connection.Issuer);
        Assert.Equal(
            new[] { "https://op.example/tenant/.well-known/openid-configuration", "https://op.example/.well-known/oauth-authorization-server/tenant" },
            OidcConnection.DiscoveryDocuments(new Uri("https://op.example/tenant")).Select(u => u.AbsoluteUri));
    }

    [Fact]
    public void An_RFC_7638_thumbprint_of_a_jwks_entry_matches_the_keys_kid()
    {
        RotationKey ec = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 });

        Assert.Equal(Old.Kid, OidcJwk.ComputeThumbprint(Jwk(Old, "other")));
        Assert.Equal(ec.Kid, OidcJwk.ComputeThumbprint(Jwk(ec, null)));
        Assert.Null(OidcJwk.ComputeThumbprint(UnknownEntry()));
    }
}
