using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>The Dfns admin area, the switch, reset and snapshot, and the surface being off without --dfns.</summary>
public sealed class DfnsAdminTests
{
    [Fact]
    public async Task SeedingCreatesAServiceAccountWithOneActiveKeyCredentialAndTheStateHidesItsToken()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();

        Account account = await org.SeedAsync(TestKey.Ed25519(), "sa1", "my-cred");
        JsonNode state = await org.StateNodeAsync();

        Assert.StartsWith("us-", account.UserId, StringComparison.Ordinal);
        Assert.StartsWith("cr-", account.CredentialUuid, StringComparison.Ordinal);
        Assert.Equal("my-cred", account.CredId);
        Assert.Equal(3, account.Token.Split('.').Length);
        JsonNode credential = state["credentials"]!.AsArray().Single()!;
        Assert.Equal(account.CredentialUuid, (string?)credential["credentialUuid"]);
        Assert.True((bool)credential["isActive"]!);
        Assert.Equal("sa1", (string?)state["serviceAccounts"]![0]!["name"]);
        Assert.DoesNotContain(account.Token, state.ToJsonString(), StringComparison.Ordinal);
        Assert.True((bool)state["serviceAccountsMayCreateCredentials"]!);
    }

    [Theory]
    [InlineData("{\"name\":\"sa\",\"publicKey\":\"not pem\"}", 400)]
    [InlineData("{\"name\":\"sa\"}", 400)]
    [InlineData("{\"publicKey\":\"x\"}", 400)]
    [InlineData("[]", 400)]
    public async Task BadSeedsAreRefusedAndNothingIsCreated(string body, int status)
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        string before = await org.StateAsync();

        using HttpResponseMessage response = await org.Http.PostAsync("_emulator/dfns/service-accounts", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task SeedingADuplicateCredIdIsAConflict()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        await org.SeedAsync(credId: "dup");
        string before = await org.StateAsync();

        using HttpResponseMessage response = await org.Http.PostAsync("_emulator/dfns/service-accounts", new StringContent(new JsonObject { ["name"] = "b", ["publicKey"] = TestKey.P256().PublicPem, ["credId"] = "dup" }.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, await org.StateAsync());
    }

    [Fact]
    public async Task ResetForgetsTheDfnsStateAndTheSnapshotCarriesIt()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();
        Account account = await org.SeedAsync();
        string snapshot = await org.Http.GetStringAsync("_emulator/snapshot");

        using (HttpResponseMessage reset = await org.Http.PostAsync("_emulator/reset", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        var afterReset = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, account.Token);
        Assert.Empty((await org.StateNodeAsync())["credentials"]!.AsArray());
        using (HttpResponseMessage restore = await org.Http.PutAsync("_emulator/snapshot", new StringContent(snapshot, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.NoContent, restore.StatusCode);
        }

        var afterRestore = await org.SendAsync(HttpMethod.Get, "/auth/credentials", null, account.Token);

        Assert.Contains(account.CredentialUuid, snapshot, StringComparison.Ordinal);
        DfnsOrg.AssertError(afterReset, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, afterRestore.Status);
    }

    [Fact]
    public async Task WithStateTheOrganisationSurvivesARestart()
    {
        string directory = Directory.CreateTempSubdirectory("emu-dfns-").FullName;
        try
        {
            string path = Path.Combine(directory, "state.json");
            Account account;
            string before;
            await using (DfnsOrg first = await DfnsOrg.StartAsync(o => o.StatePath = path))
            {
                account = await first.SeedAsync(TestKey.Ed25519());
                Assert.Equal(HttpStatusCode.OK, (await first.AddCredentialAsync(account, TestKey.P256())).Status);
                before = await first.StateAsync();
            }

            await using DfnsOrg second = await DfnsOrg.StartAsync(o => o.StatePath = path);

            Assert.Equal(before, await second.StateAsync());
            Assert.Equal(HttpStatusCode.OK, (await second.SignedAsync(account, HttpMethod.Post, "/webhooks", "{\"url\":\"https://example.com/h\",\"events\":[\"*\"]}")).Status);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SettingsAndRefusalsValidateTheirBodies()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();

        using HttpResponseMessage badSettings = await org.Http.PutAsync("_emulator/dfns/settings", new StringContent("{\"serviceAccountsMayCreateCredentials\":\"no\"}", Encoding.UTF8, "application/json"));
        using HttpResponseMessage badRefusals = await org.Http.PutAsync("_emulator/dfns/refusals", new StringContent("{\"credIds\":[1]}", Encoding.UTF8, "application/json"));
        using HttpResponseMessage goodRefusals = await org.Http.PutAsync("_emulator/dfns/refusals", new StringContent("{\"credIds\":[\"a\",\"a\",\"b\"]}", Encoding.UTF8, "application/json"));
        string refusals = await org.Http.GetStringAsync("_emulator/dfns/refusals");

        Assert.Equal(HttpStatusCode.BadRequest, badSettings.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRefusals.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodRefusals.StatusCode);
        Assert.Equal("{\"credIds\":[\"a\",\"b\"]}", refusals);
        Assert.True((bool)(await org.StateNodeAsync())["serviceAccountsMayCreateCredentials"]!);
    }

    [Fact]
    public async Task AnUnknownDfnsRouteAnswersInDfnsShape()
    {
        await using DfnsOrg org = await DfnsOrg.StartAsync();

        var response = await org.SendAsync(HttpMethod.Get, "/auth/nothing-here", null, null);
        var wrongMethod = await org.SendAsync(HttpMethod.Patch, "/webhooks", "{}", null);

        DfnsOrg.AssertError(response, HttpStatusCode.NotFound);
        DfnsOrg.AssertError(wrongMethod, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WithoutDfnsTheRoutesAndAdminAreaDoNotExist()
    {
        await using RunningEmulator emulator = await RunningEmulator.StartAsync(o => o.Admin = true);

        using HttpResponseMessage api = await emulator.Client.GetAsync("auth/credentials");
        using HttpResponseMessage admin = await emulator.Client.GetAsync("_emulator/dfns/state");
        JsonNode body = JsonNode.Parse(await api.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(404, (int)body["statusCode"]!);
        Assert.Equal(HttpStatusCode.NotFound, admin.StatusCode);
    }

    [Fact]
    public void TheOptionsParseDfnsAndTheSwitch()
    {
        EmulatorOptions on = EmulatorOptions.Parse(new[] { "--dfns", "--dfns-sa-create-credentials", "false" });
        EmulatorOptions off = EmulatorOptions.Parse(Array.Empty<string>());

        Assert.True(on.Dfns);
        Assert.False(on.DfnsServiceAccountsMayCreateCredentials);
        Assert.False(off.Dfns);
        Assert.True(off.DfnsServiceAccountsMayCreateCredentials);
        Assert.Throws<FormatException>(() => EmulatorOptions.Parse(new[] { "--dfns-sa-create-credentials", "maybe" }));
    }
}
