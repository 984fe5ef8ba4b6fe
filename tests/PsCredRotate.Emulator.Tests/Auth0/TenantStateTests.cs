using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class TenantStateTests
{
    [Fact]
    public async Task The_tenant_survives_a_restart_with_a_state_file_keys_and_credentials_included()
    {
        string path = Path.Combine(Path.GetTempPath(), "emu-state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            string credentialId;
            string keys;
            using RSA key = RSA.Create(2048);
            await using (Tenant first = await Tenant.StartAsync(o => o.StatePath = path))
            {
                credentialId = await ClientAssertionTests.CreateAsync(first, key, "PS256");
                await ClientAssertionTests.AttachIdsAsync(first, credentialId);
                keys = await first.SnapshotAsync("keys/signing");
            }

            await using Tenant second = await Tenant.StartAsync(o => o.StatePath = path);
            Assert.Equal(keys, await second.SnapshotAsync("keys/signing"));
            (HttpStatusCode status, JsonNode? credential) = await second.GetAsync($"clients/{Tenant.SampleClientId}/credentials/{credentialId}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("PS256", credential!["alg"]!.GetValue<string>());

            // The restored key still verifies assertions.
            AssertionBuilder assertion = AssertionBuilder.For(key, Tenant.SampleClientId, second.TenantUrl, credential["kid"]!.GetValue<string>());
            assertion.Alg = "PS256";
            (status, _) = await second.TokenAsync(Tenant.Form(
                ("grant_type", "client_credentials"), ("client_id", Tenant.SampleClientId), ("client_assertion_type", Tenant.JwtBearer),
                ("client_assertion", assertion.Sign()), ("audience", Tenant.SampleApi)));
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_seed_that_is_not_valid_stops_the_start_with_an_argument_error()
    {
        string path = SeedFiles.Write(new JsonObject
        {
            ["clients"] = new JsonArray(new JsonObject { ["client_id"] = "x", ["name"] = "X", ["colour"] = "red" }),
        });
        var ex = Assert.Throws<ArgumentException>(() => EmulatorHost.Build(new EmulatorOptions { SeedPath = path }));
        Assert.Equal("The seed is not valid: Payload validation error: 'Additional properties not allowed: colour'", ex.Message);

        ex = Assert.Throws<ArgumentException>(() => EmulatorHost.Build(new EmulatorOptions { SeedPath = path + ".missing" }));
        Assert.StartsWith("The seed '", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seeded_domain_is_the_issuer_and_the_assertion_audience()
    {
        await using Tenant tenant = await Tenant.StartAsync(o => o.SeedPath = SeedFiles.Write(new JsonObject { ["domain"] = "tenant.example" }));
        JsonNode doc = JsonNode.Parse(await tenant.Http.GetStringAsync(".well-known/openid-configuration"))!;
        Assert.Equal("https://tenant.example/", doc["issuer"]!.GetValue<string>());
        (HttpStatusCode status, JsonNode? token) = await tenant.TokenAsync(Tenant.Form(
            ("grant_type", "client_credentials"), ("client_id", EmulatorOptions.DefaultManagementClientId),
            ("client_secret", EmulatorOptions.DefaultManagementClientSecret), ("audience", "https://tenant.example/api/v2/")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("https://tenant.example/", AssertionBuilder.Decode(token!["access_token"]!.GetValue<string>(), 1)["iss"]!.GetValue<string>());
    }
}
