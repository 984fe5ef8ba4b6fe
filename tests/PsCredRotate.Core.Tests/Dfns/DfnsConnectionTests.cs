using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.Dfns;

public sealed class DfnsConnectionTests
{
    [Fact]
    public async Task Connecting_finds_the_active_key_credential_and_remembers_its_uuid()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");

        DfnsCredential current = await connection.ConnectAsync(CancellationToken.None);

        Assert.Equal(seeded.Uuid, current.CredentialUuid);
        Assert.Equal(seeded.Uuid, connection.CredentialUuid);
        Assert.True(current.IsCurrent);
        Assert.Equal(key.Kid, current.Kid);
    }

    [Fact]
    public async Task Connecting_with_an_unknown_credential_id_is_DfnsCredentialNotFound()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-other");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialNotFound, ex.ErrorId);
    }

    [Fact]
    public async Task Connecting_with_another_key_than_the_credential_holds_is_DfnsCredentialKeyMismatch()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey other = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(other, "cred-first");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialKeyMismatch, ex.ErrorId);
    }

    [Fact]
    public async Task Connecting_with_a_deactivated_credential_is_DfnsCredentialInactive()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.EdDSA);
        dfns.Seed(key, "cred-first", active: false);
        using DfnsConnection connection = dfns.Connect(key, "cred-first");

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialInactive, ex.ErrorId);
    }

    [Fact]
    public async Task A_refused_token_is_DfnsTokenRejected_and_the_message_does_not_contain_it()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first", token: "wrong-token-xyz");

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsTokenRejected, ex.ErrorId);
        Assert.Equal(401, ex.StatusCode);
        Assert.DoesNotContain("wrong-token-xyz", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://api.dfns.io")]
    [InlineData("http://10.0.0.5:8080")]
    public void Plain_http_off_loopback_is_refused(string baseUri)
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);

        var ex = Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { BaseUri = baseUri, Token = SecureStrings.FromString("t"), CredentialId = "c", Key = key }));

        Assert.Equal(ErrorIds.InsecureTransport, ex.ErrorId);
    }

    [Theory]
    [InlineData("https://api.dfns.io/v1")]
    [InlineData("ftp://api.dfns.io")]
    [InlineData("not a uri")]
    public void A_base_uri_with_a_path_or_another_scheme_is_DfnsBaseUriInvalid(string baseUri)
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);

        var ex = Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { BaseUri = baseUri, Token = SecureStrings.FromString("t"), CredentialId = "c", Key = key }));

        Assert.Equal(ErrorIds.DfnsBaseUriInvalid, ex.ErrorId);
    }

    [Fact]
    public void The_default_base_uri_is_the_public_api_and_loopback_http_is_accepted()
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using DfnsConnection standard = DfnsConnection.Create(new DfnsConnectionOptions { Token = SecureStrings.FromString("t"), CredentialId = "c", Key = key });
        using DfnsConnection local = DfnsConnection.Create(new DfnsConnectionOptions { BaseUri = "http://127.0.0.1:5080", Token = SecureStrings.FromString("t"), CredentialId = "c", Key = key });

        Assert.Equal("https://api.dfns.io/", standard.BaseUri.ToString());
        Assert.Equal("http://127.0.0.1:5080/", local.BaseUri.ToString());
    }

    [Fact]
    public void A_missing_token_or_credential_id_or_a_public_only_key_is_refused_before_any_call()
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey publicOnly = key.ToPublicKey();

        Assert.Equal(ErrorIds.DfnsTokenMissing, Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { CredentialId = "c", Key = key })).ErrorId);
        Assert.Equal(ErrorIds.DfnsCredentialIdMissing, Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { Token = SecureStrings.FromString("t"), CredentialId = " ", Key = key })).ErrorId);
        Assert.Equal(ErrorIds.SigningKeyRequired, Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { Token = SecureStrings.FromString("t"), CredentialId = "c", Key = publicOnly })).ErrorId);
    }

    [Fact]
    public void A_P384_key_is_DfnsKeyTypeUnsupported()
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES384);

        var ex = Assert.Throws<PsCredRotateException>(() => DfnsConnection.Create(new DfnsConnectionOptions { Token = SecureStrings.FromString("t"), CredentialId = "c", Key = key }));

        Assert.Equal(ErrorIds.DfnsKeyTypeUnsupported, ex.ErrorId);
    }

    [Theory]
    [MemberData(nameof(DfnsTestKeys.Algorithms), MemberType = typeof(DfnsTestKeys))]
    public async Task A_user_action_sends_exactly_the_bytes_it_signed_with_the_token_header(KeyAlgorithm algorithm)
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(algorithm);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        dfns.Seed(DfnsTestKeys.Create(KeyAlgorithm.ES256), "cred-second");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");
        string uuid = dfns.Credentials[1].Uuid;

        await connection.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", new { credentialUuid = uuid, note = "ü+<&>" }, userAction: true, CancellationToken.None);

        var requests = dfns.Handler.Requests.ToArray();
        Assert.Equal(new[] { "/auth/action/init", "/auth/action", "/auth/credentials/deactivate" }, requests.Select(r => r.Uri.AbsolutePath));
        string payload = JsonDocument.Parse(requests[0].Body!).RootElement.GetProperty("userActionPayload").GetString()!;
        Assert.Equal(payload, requests[2].Body);
        Assert.Equal("{\"credentialUuid\":\"" + uuid + "\",\"note\":\"ü+<&>\"}", payload);
        Assert.Contains("x-dfns-useraction: " + dfns.IssuedUserActions.Single(), requests[2].Headers, StringComparison.Ordinal);
        Assert.False(dfns.Credentials[1].IsActive);
        Assert.True(seeded.IsActive);
    }

    [Fact]
    public async Task The_init_call_names_the_method_path_and_server_kind_of_the_real_request()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");

        await connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", new { credentialUuid = dfns.Credentials[0].Uuid }, userAction: true, CancellationToken.None);

        JsonElement init = JsonDocument.Parse(dfns.Handler.Requests.First().Body!).RootElement;
        Assert.Equal("PUT", init.GetProperty("userActionHttpMethod").GetString());
        Assert.Equal("/auth/credentials/activate", init.GetProperty("userActionHttpPath").GetString());
        Assert.Equal("Api", init.GetProperty("userActionServerKind").GetString());
    }

    [Fact]
    public async Task A_credential_missing_from_allowCredentials_is_DfnsUserActionCredentialNotAllowed_and_nothing_is_signed()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");
        seeded.IsActive = false;

        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", new { credentialUuid = seeded.Uuid }, userAction: true, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsUserActionCredentialNotAllowed, ex.ErrorId);
        Assert.Single(dfns.Handler.Requests);
        Assert.False(seeded.IsActive);
    }

    [Fact]
    public async Task A_signature_the_server_refuses_is_DfnsUserActionRefused()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey wrong = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(wrong, "cred-first");

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", new { credentialUuid = seeded.Uuid }, userAction: true, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsUserActionRefused, ex.ErrorId);
        Assert.Equal("Invalid signature", ex.ProviderMessage);
        Assert.True(seeded.IsActive);
        Assert.Empty(dfns.Applied);
    }

    [Fact]
    public async Task HTTP_202_is_DfnsPolicyApprovalPending()
    {
        var dfns = new FakeDfns { PolicyPending = true };
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", new { credentialUuid = seeded.Uuid }, userAction: true, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsPolicyApprovalPending, ex.ErrorId);
        Assert.Equal(202, ex.StatusCode);
    }

    [Fact]
    public async Task The_Dfns_error_message_is_read_from_the_nested_error_object()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.SendAsync(HttpMethod.Get, "/nowhere", null, userAction: false, CancellationToken.None));

        Assert.Equal(ErrorIds.ApiNotFound, ex.ErrorId);
        Assert.Equal("no route", ex.ProviderMessage);
    }

    [Fact]
    public async Task A_string_body_is_sent_as_is_and_a_bodiless_user_action_signs_an_empty_payload()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");
        string text = "{ \"credentialUuid\" : \"" + seeded.Uuid + "\" }";

        await connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", text, userAction: true, CancellationToken.None);
        await Assert.ThrowsAsync<ApiException>(() => connection.SendAsync(HttpMethod.Delete, "/webhooks/wh-1", null, userAction: true, CancellationToken.None));

        var requests = dfns.Handler.Requests.ToArray();
        Assert.Equal(text, requests[2].Body);
        Assert.Equal(string.Empty, JsonDocument.Parse(requests[3].Body!).RootElement.GetProperty("userActionPayload").GetString());
        Assert.Null(requests[5].Body);
    }

    [Fact]
    public async Task The_AppId_header_is_sent_only_when_given()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(key, "cred-first");
        using DfnsConnection without = dfns.Connect(key, "cred-first");
        using DfnsConnection with = DfnsConnection.Create(new DfnsConnectionOptions { BaseUri = "https://dfns.test", Token = SecureStrings.FromString(FakeDfns.Token), CredentialId = "cred-first", Key = key, AppId = "ap-123", Handler = dfns.Handler });

        await without.ConnectAsync(CancellationToken.None);
        await with.ConnectAsync(CancellationToken.None);

        var requests = dfns.Handler.Requests.ToArray();
        Assert.DoesNotContain("X-DFNS-APPID", requests[0].Headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-DFNS-APPID: ap-123", requests[1].Headers, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Neither_the_token_nor_the_user_action_token_nor_the_key_appears_in_the_log_or_ToString()
    {
        var dfns = new FakeDfns();
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        FakeDfns.Credential seeded = dfns.Seed(key, "cred-first");
        using DfnsConnection connection = dfns.Connect(key, "cred-first");
        var log = new RecordingLog();

        using (OperationLog.Use(log))
        {
            await connection.ConnectAsync(CancellationToken.None);
            await connection.SendAsync(HttpMethod.Put, "/auth/credentials/activate", new { credentialUuid = seeded.Uuid }, userAction: true, CancellationToken.None);
        }

        string everything = log.All + "\n" + connection + "\n" + connection.Credentials;
        Assert.Contains("DEBUG: ", log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeDfns.Token, everything, StringComparison.Ordinal);
        Assert.Contains("x-dfns-useraction: [redacted]", log.All, StringComparison.Ordinal);
        Assert.Contains("\"userAction\":\"[redacted]\"", log.All, StringComparison.Ordinal);
        foreach (string ua in dfns.IssuedUserActions)
        {
            Assert.DoesNotContain(ua, everything, StringComparison.Ordinal);
        }

        string privateD = key.Material.PrivateJwkMembers().Single(m => m.Key == "d").Value;
        Assert.DoesNotContain(privateD, everything, StringComparison.Ordinal);
    }
}
