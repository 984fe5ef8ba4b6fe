using System.Net;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>User action signing: every check the emulator makes, each broken on its own, and nothing changed.</summary>
public sealed class DfnsUserActionTests
{
    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("Ed25519")]
    [InlineData("RSA-2048")]
    public async Task ASignedCallWithTheCredentialsKeySucceedsForEachKeyType(string type)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync(TestKey.Of(type));

        var response = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("success", (string?)response.Body!["message"]);
        Assert.False((bool)(await org.StateNodeAsync())["credentials"]![0]!["isActive"]!);
    }

    [Fact]
    public async Task TheChallengeListsTheCallersActiveKeyCredentialsOnly()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        Account other = await org.SeedAsync(name: "sa2");
        TestKey newKey = TestKey.Ed25519();
        JsonNode added = (await org.AddCredentialAsync(account, newKey)).Body!;
        var deactivated = await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid), (string)added["credentialId"]!, newKey);
        Assert.Equal(HttpStatusCode.OK, deactivated.Status);

        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");

        JsonArray keys = challenge["allowCredentials"]!["key"]!.AsArray();
        Assert.Equal(new[] { (string)added["credentialId"]! }, keys.Select(k => (string)k!["id"]!).ToArray());
        Assert.All(keys, k => Assert.Equal("public-key", (string?)k!["type"]));
        Assert.DoesNotContain(other.CredId, keys.Select(k => (string)k!["id"]!));
        Assert.Empty(challenge["allowCredentials"]!["webauthn"]!.AsArray());
    }

    [Fact]
    public async Task ASignatureByAnotherKeyIsRefusedAndNothingChanges()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();
        JsonNode challenge = await org.InitActionAsync(account, "PUT", "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid));

        var response = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, TestKey.P256(), (string)challenge["challenge"]!));

        Assert.Equal("Unable to verify signature.", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized));
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ASignatureOverAnotherChallengeOrClientDataTypeIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        JsonNode first = await org.InitActionAsync(account, "POST", "/webhooks", "{}");
        JsonNode second = await org.InitActionAsync(account, "POST", "/webhooks", "{}");

        var wrongChallenge = await org.SignActionAsync(account, (string)first["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)second["challenge"]!));
        var wrongType = await org.SignActionAsync(account, (string)second["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)second["challenge"]!, "key.create"));

        Assert.Contains("challenge", DfnsOrg.AssertError(wrongChallenge, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Contains("key.get", DfnsOrg.AssertError(wrongType, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChallengeCanBeSignedOnlyOnce()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");
        JsonObject assertion = DfnsOrg.Assertion(account.CredId, account.Key, (string)challenge["challenge"]!);

        var first = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, assertion);
        var second = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, (JsonObject)assertion.DeepClone());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        DfnsOrg.AssertError(second, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnExpiredChallengeIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");
        await org.AdvanceClockAsync(TimeSpan.FromMinutes(6));

        var response = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)challenge["challenge"]!));

        Assert.Contains("expired", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherUsersChallengeOrCredentialCannotBeUsed()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        Account other = await org.SeedAsync(name: "sa2");
        JsonNode othersChallenge = await org.InitActionAsync(other, "POST", "/webhooks", "{}");
        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");

        var foreignChallenge = await org.SignActionAsync(account, (string)othersChallenge["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)othersChallenge["challenge"]!));
        var foreignCredential = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion(other.CredId, other.Key, (string)challenge["challenge"]!));

        DfnsOrg.AssertError(foreignChallenge, HttpStatusCode.Unauthorized);
        Assert.Contains(other.CredId, DfnsOrg.AssertError(foreignCredential, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCredentialIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");

        var response = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion("no-such-cred", account.Key, (string)challenge["challenge"]!));

        Assert.Contains("no-such-cred", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeactivatedCredentialCannotSignEvenWithItsRightKey()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        JsonNode added = (await org.AddCredentialAsync(account, TestKey.P256())).Body!;
        Assert.Equal(HttpStatusCode.OK, (await org.SignedAsync(account, HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid))).Status);
        JsonNode challenge = await org.InitActionAsync(account, "PUT", "/auth/credentials/activate", DfnsOrg.Uuid(account.CredentialUuid));

        var response = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)challenge["challenge"]!));

        Assert.Contains("deactivated", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.True((bool)added["isActive"]!);
    }

    [Fact]
    public async Task AReplayedUserActionTokenIsRefusedAndNothingChanges()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string body = "{\"url\":\"https://example.com/a\",\"events\":[\"*\"]}";
        string token = await org.UserActionAsync(account, "POST", "/webhooks", body);

        var first = await org.SendAsync(HttpMethod.Post, "/webhooks", body, account.Token, token);
        string afterFirst = await org.StateAsync();
        var replay = await org.SendAsync(HttpMethod.Post, "/webhooks", body, account.Token, token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("already used", DfnsOrg.AssertError(replay, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(afterFirst, await org.StateAsync());
    }

    [Theory]
    [InlineData("{\"url\":\"https://example.com/b\",\"events\":[\"*\"]}")]
    [InlineData("{\"url\": \"https://example.com/a\",\"events\":[\"*\"]}")]
    [InlineData("{\"url\":\"https://example.com/a\",\"events\":[\"*\"]} ")]
    public async Task ABodyThatDiffersFromTheSignedPayloadByEvenOneByteIsRefused(string sent)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();
        string token = await org.UserActionAsync(account, "POST", "/webhooks", "{\"url\":\"https://example.com/a\",\"events\":[\"*\"]}");

        var response = await org.SendAsync(HttpMethod.Post, "/webhooks", sent, account.Token, token);

        Assert.Contains("payload", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ATokenSignedForAnotherPathOrMethodIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string body = DfnsOrg.Uuid(account.CredentialUuid);
        string before = await org.StateAsync();
        string forActivate = await org.UserActionAsync(account, "PUT", "/auth/credentials/activate", body);
        string forPost = await org.UserActionAsync(account, "POST", "/auth/credentials/deactivate", body);

        var wrongPath = await org.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", body, account.Token, forActivate);
        var wrongMethod = await org.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", body, account.Token, forPost);

        Assert.Contains("/auth/credentials/activate", DfnsOrg.AssertError(wrongPath, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Contains("POST", DfnsOrg.AssertError(wrongMethod, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task AnExpiredUserActionTokenIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string body = DfnsOrg.Uuid(account.CredentialUuid);
        string token = await org.UserActionAsync(account, "PUT", "/auth/credentials/deactivate", body);
        await org.AdvanceClockAsync(TimeSpan.FromMinutes(6));

        var response = await org.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", body, account.Token, token);

        Assert.Contains("expired", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.True((bool)(await org.StateNodeAsync())["credentials"]![0]!["isActive"]!);
    }

    [Fact]
    public async Task AnotherUsersUserActionTokenIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        Account other = await org.SeedAsync(name: "sa2");
        string body = DfnsOrg.Uuid(account.CredentialUuid);
        string othersToken = await org.UserActionAsync(other, "PUT", "/auth/credentials/deactivate", body);

        var response = await org.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", body, account.Token, othersToken);

        DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized);
        Assert.True((bool)(await org.StateNodeAsync())["credentials"]![0]!["isActive"]!);
    }

    [Fact]
    public async Task AStateChangeWithoutAUserActionIsRefused()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string before = await org.StateAsync();

        var response = await org.SendAsync(HttpMethod.Put, "/auth/credentials/deactivate", DfnsOrg.Uuid(account.CredentialUuid), account.Token);

        Assert.Contains("x-dfns-useraction", DfnsOrg.AssertError(response, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ABadOrMissingBearerTokenIsRefusedWith401InDfnsShape()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        await org.SeedAsync();

        var bad = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, "not-a-token");
        var missing = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, null);
        var init = await org.SendAsync(HttpMethod.Post, "/auth/action/init", "{}", "not-a-token");

        DfnsOrg.AssertError(bad, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", DfnsOrg.AssertError(missing, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        DfnsOrg.AssertError(init, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ARefusedCredentialCannotSignUntilTheRefusalIsCleared()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync(TestKey.Ed25519());
        using (HttpResponseMessage put = await org.Http.PutAsync("_emulator/dfns/refusals", new StringContent($"{{\"credIds\":[\"{account.CredId}\"]}}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        JsonNode challenge = await org.InitActionAsync(account, "POST", "/webhooks", "{}");
        var refused = await org.SignActionAsync(account, (string)challenge["challengeIdentifier"]!, DfnsOrg.Assertion(account.CredId, account.Key, (string)challenge["challenge"]!));
        using (HttpResponseMessage clear = await org.Http.PutAsync("_emulator/dfns/refusals", new StringContent("{\"credIds\":[]}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        }

        Assert.Equal("Unable to verify signature.", DfnsOrg.AssertError(refused, HttpStatusCode.Unauthorized));
        Assert.NotEmpty(await org.UserActionAsync(account, "POST", "/webhooks", "{}"));
    }

    [Theory]
    [InlineData("{\"userActionHttpMethod\":\"POST\",\"userActionHttpPath\":\"/webhooks\"}", "userActionPayload")]
    [InlineData("{\"userActionPayload\":\"{}\",\"userActionHttpMethod\":\"PATCH\",\"userActionHttpPath\":\"/webhooks\"}", "userActionHttpMethod")]
    [InlineData("{\"userActionPayload\":\"{}\",\"userActionHttpMethod\":\"POST\",\"userActionHttpPath\":\"webhooks\"}", "userActionHttpPath")]
    [InlineData("[]", "JSON object")]
    public async Task AMalformedInitIsABadRequest(string body, string named)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();

        var response = await org.SendAsync(HttpMethod.Post, "/auth/action/init", body, account.Token);

        Assert.Contains(named, DfnsOrg.AssertError(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }
}
