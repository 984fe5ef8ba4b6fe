using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>Key credentials: create with attestation, list, activate and deactivate, the service-account switch.</summary>
public sealed class DfnsCredentialTests
{
    [Theory]
    [InlineData("P-256")]
    [InlineData("Ed25519")]
    [InlineData("RSA-2048")]
    public async Task ANewKeyCredentialIsCreatedActiveAndListedInDfnsShape(string type)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        TestKey newKey = TestKey.Of(type);

        var response = await org.AddCredentialAsync(account, newKey, "cred-new");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        JsonNode created = response.Body!;
        Assert.Equal("Key", (string?)created["kind"]);
        Assert.Equal("cred-new", (string?)created["credentialId"]);
        Assert.StartsWith("cr-", (string?)created["credentialUuid"], StringComparison.Ordinal);
        Assert.True((bool)created["isActive"]!);
        Assert.Equal("new key", (string?)created["name"]);
        Assert.Equal(newKey.PublicPem, (string?)created["publicKey"]);
        Assert.NotNull((string?)created["relyingPartyId"]);
        Assert.NotNull((string?)created["origin"]);
        Assert.True(DateTimeOffset.TryParse((string?)created["dateCreated"], out _));
        var list = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, account.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(new[] { account.CredentialUuid, (string)created["credentialUuid"]! }, list.Body!["items"]!.AsArray().Select(i => (string)i!["credentialUuid"]!).ToArray());
    }

    [Fact]
    public async Task TheNewKeyCanSignAndRollBackReactivatesTheOldOne()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        TestKey newKey = TestKey.Ed25519();
        await org.AddCredentialAsync(account, newKey, "cred-new");

        var deactivateOld = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid), "cred-new", newKey);
        var again = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid), "cred-new", newKey);
        string afterDeactivate = await org.StateAsync();
        var rollback = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/activate", DfnsOrg.Uuid(account.CredentialUuid), "cred-new", newKey);

        Assert.Equal(HttpStatusCode.OK, deactivateOld.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains("\"isActive\":false", afterDeactivate, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, rollback.Status);
        Assert.All((await org.StateNodeAsync())["credentials"]!.AsArray(), c => Assert.True((bool)c!["isActive"]!));
    }

    [Fact]
    public async Task DeactivatingAnAlreadyDeactivatedCredentialChangesNothing()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        TestKey newKey = TestKey.P256();
        JsonNode added = (await org.AddCredentialAsync(account, newKey)).Body!;
        await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid((string)added["credentialUuid"]!));
        string before = await org.StateAsync();

        var again = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid((string)added["credentialUuid"]!));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task AnAttestationSignedByADifferentKeyIsRefusedAndNoCredentialIsAdded()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();
        (string challenge, string identifier) = await org.CredentialChallengeAsync(account);
        string body = DfnsOrg.CreateCredentialBody(TestKey.P256(), challenge, identifier, "cred-x", attestedBy: account.Key);

        var response = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", body);

        Assert.Contains("Unable to verify signature", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task AnAttestationOverAnotherChallengeOrTypeIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();
        (string challenge, string identifier) = await org.CredentialChallengeAsync(account);
        (string otherChallenge, _) = await org.CredentialChallengeAsync(account);
        (string third, string thirdIdentifier) = await org.CredentialChallengeAsync(account);
        TestKey key = TestKey.P256();

        var wrongChallenge = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", DfnsOrg.CreateCredentialBody(key, otherChallenge, identifier, "c1"));
        var wrongType = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", DfnsOrg.CreateCredentialBody(key, third, thirdIdentifier, "c2", clientDataType: "key.get"));

        Assert.Contains("challenge", DfnsOrg.AssertError(wrongChallenge, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Contains("key.create", DfnsOrg.AssertError(wrongType, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
        Assert.NotEqual(challenge, otherChallenge);
    }

    [Fact]
    public async Task ACredentialChallengeIsSingleUseAndExpires()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        (string challenge, string identifier) = await org.CredentialChallengeAsync(account);
        Assert.Equal(HttpStatusCode.OK, (await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", DfnsOrg.CreateCredentialBody(TestKey.P256(), challenge, identifier, "c1"))).Status);
        (string late, string lateIdentifier) = await org.CredentialChallengeAsync(account);
        string before = await org.StateAsync();

        var reused = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", DfnsOrg.CreateCredentialBody(TestKey.P256(), challenge, identifier, "c2"));
        await org.AdvanceClockAsync(TimeSpan.FromMinutes(6));
        string body = DfnsOrg.CreateCredentialBody(TestKey.P256(), late, lateIdentifier, "c3");
        var expired = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", body);

        Assert.Contains("already used", DfnsOrg.AssertError(reused, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Contains("expired", DfnsOrg.AssertError(expired, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ADuplicateCredIdIsAConflict()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();

        var response = await org.AddCredentialAsync(account, TestKey.P256(), account.CredId);

        DfnsOrg.AssertError(response, HttpStatusCode.Conflict);
        Assert.Equal(before, await org.StateAsync());
    }

    [Theory]
    [InlineData("Fido2", "not supported")]
    [InlineData("Banana", "must be one of")]
    public async Task OnlyKeyCredentialsAreEmulated(string kind, string message)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();

        var response = await org.SendAsync(HttpMethod.Post, "/auth/credentials/init", $"{{\"kind\":\"{kind}\"}}", account.Token);

        Assert.Contains(message, DfnsOrg.AssertError(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsupportedOrSmallKeyIsABadRequest()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        using var small = RSA.Create(1024);
        (string challenge, string identifier) = await org.CredentialChallengeAsync(account);
        string before = await org.StateAsync();
        JsonNode node = JsonNode.Parse(DfnsOrg.CreateCredentialBody(TestKey.P256(), challenge, identifier, "c1"))!;
        string attestation = DfnsOrg.B64Url(new JsonObject { ["publicKey"] = small.ExportSubjectPublicKeyInfoPem(), ["signature"] = "00" }.ToJsonString());
        node["credentialInfo"]!["attestationData"] = attestation;

        var response = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", node.ToJsonString());

        Assert.Contains("2048", DfnsOrg.AssertError(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ActivatingOrDeactivatingAnUnknownOrForeignCredentialIsNotFound()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        Account other = await org.SeedAsync(name: "sa2");
        string before = await org.StateAsync();

        var unknown = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid("cr-nope"));
        var foreign = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(other.CredentialUuid));

        Assert.Contains("cr-nope", DfnsOrg.AssertError(unknown, HttpStatusCode.NotFound), StringComparison.Ordinal);
        DfnsOrg.AssertError(foreign, HttpStatusCode.NotFound);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task TheListShowsOnlyTheCallersCredentials()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        await org.SeedAsync(name: "sa2");

        var list = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, account.Token);

        Assert.Equal(account.CredentialUuid, (string?)list.Body!["items"]!.AsArray().Single()!["credentialUuid"]);
    }

    [Fact]
    public async Task WithTheSwitchOffAServiceAccountCannotCreateCredentials()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync(o => o.DfnsServiceAccountsMayCreateCredentials = false);
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();

        var init = await org.SendAsync(HttpMethod.Post, "/auth/credentials/init", "{\"kind\":\"Key\"}", account.Token);

        Assert.Contains("Service accounts", DfnsOrg.AssertError(init, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
        Assert.False((bool)(await org.StateNodeAsync())["serviceAccountsMayCreateCredentials"]!);
    }

    [Fact]
    public async Task TurningTheSwitchOffRefusesCreateEvenWithAChallengeFromBefore()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        (string challenge, string identifier) = await org.CredentialChallengeAsync(account);
        using (HttpResponseMessage put = await org.Http.PutAsync("_emulator/dfns/settings", new StringContent("{\"serviceAccountsMayCreateCredentials\":false}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        string before = await org.StateAsync();

        var create = await org.SignedAsync(account, HttpMethod.Post, "/auth/credentials", DfnsOrg.CreateCredentialBody(TestKey.P256(), challenge, identifier, "c1"));

        DfnsOrg.AssertError(create, HttpStatusCode.Forbidden);
        Assert.Equal(before, await org.StateAsync());
    }
}
