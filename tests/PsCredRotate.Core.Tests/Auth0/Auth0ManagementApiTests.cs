using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Tests.Http;
using PsCredRotate.Core.Tests.Jose;

namespace PsCredRotate.Core.Tests.Auth0;

public sealed class Auth0ManagementApiTests
{
    private const string PkjClient = "{\"client_id\":\"app1\",\"name\":\"Billing worker\",\"app_type\":\"non_interactive\",\"grant_types\":[\"client_credentials\"],"
        + "\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[{\"id\":\"cred_A\"},{\"id\":\"cred_B\"}]}}}";

    private const string CredentialList = "[{\"id\":\"cred_A\",\"credential_type\":\"public_key\",\"kid\":\"kidA\",\"alg\":\"RS256\",\"name\":\"a\",\"created_at\":\"2026-01-01T00:00:00.000Z\",\"updated_at\":\"2026-01-02T00:00:00.000Z\",\"expires_at\":null},"
        + "{\"id\":\"cred_C\",\"credential_type\":\"public_key\",\"kid\":\"kidC\",\"alg\":\"PS256\",\"name\":\"c\",\"created_at\":\"2026-01-01T00:00:00.000Z\",\"updated_at\":\"2026-01-01T00:00:00.000Z\",\"expires_at\":\"2027-05-06T07:08:09.000Z\"},"
        + "{\"id\":\"cred_B\",\"credential_type\":\"public_key\",\"kid\":\"kidB\",\"alg\":\"RS256\",\"name\":\"b\",\"created_at\":\"2026-01-01T00:00:00.000Z\",\"updated_at\":\"2026-01-01T00:00:00.000Z\"}]";

    private static string ClientsPage(int start, int count, int total) =>
        "{\"start\":" + start + ",\"limit\":100,\"total\":" + total + ",\"clients\":["
        + string.Join(",", Enumerable.Range(start, count).Select(i => $"{{\"client_id\":\"c{i}\",\"name\":\"{(i % 2 == 0 ? "Worker" : "Portal")} {i}\",\"app_type\":\"non_interactive\",\"token_endpoint_auth_method\":\"client_secret_post\"}}"))
        + "]}";

    [Fact]
    public async Task Listing_clients_reads_every_page_of_100_with_totals_and_filters_names_locally()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Is(r, "GET", "/api/v2/clients")
            ? FakeTenant.Ok(r.RequestUri!.Query.Contains("page=0&", StringComparison.Ordinal) ? ClientsPage(0, 100, 150) : ClientsPage(100, 50, 150))
            : null);
        var progress = new List<int>();

        IReadOnlyList<Auth0Client> clients = await tenant.Connection.Management.ListClientsAsync(
            new Auth0ClientQuery { NamePattern = "work*", AppTypes = new[] { "non_interactive", "regular_web" } },
            new SynchronousProgress(progress),
            CancellationToken.None);

        Assert.Equal(75, clients.Count);
        Assert.All(clients, c => Assert.StartsWith("Worker", c.Name, StringComparison.Ordinal));
        Assert.Equal(new[] { 100, 150 }, progress);
        string fields = Uri.EscapeDataString("client_id,name,app_type,grant_types,token_endpoint_auth_method,client_authentication_methods");
        Assert.Equal(
            new[]
            {
                $"GET /api/v2/clients?page=0&per_page=100&include_totals=true&fields={fields}&include_fields=true&app_type=non_interactive%2Cregular_web",
                $"GET /api/v2/clients?page=1&per_page=100&include_totals=true&fields={fields}&include_fields=true&app_type=non_interactive%2Cregular_web",
            },
            tenant.ApiCalls);
        Assert.Equal(FakeTenant.Domain, clients[0].Tenant);
    }

    [Fact]
    public async Task Listing_clients_filters_the_authentication_method_locally()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("{\"start\":0,\"limit\":100,\"total\":2,\"clients\":[" + PkjClient + ",{\"client_id\":\"spa\",\"token_endpoint_auth_method\":\"none\"}]}"));

        IReadOnlyList<Auth0Client> clients = await tenant.Connection.Management.ListClientsAsync(
            new Auth0ClientQuery { AuthenticationMethods = new[] { ClientAuthenticationMethod.PrivateKeyJwt } }, null, CancellationToken.None);

        Auth0Client only = Assert.Single(clients);
        Assert.Equal("app1", only.ClientId);
        Assert.Equal(new[] { "cred_A", "cred_B" }, only.AttachedCredentialIds);
        Assert.Single(tenant.ApiCalls);
    }

    [Fact]
    public async Task ReadAsync_is_one_GET_of_the_client_and_one_of_its_credentials()
    {
        using var tenant = new FakeTenant(r =>
            FakeTenant.Is(r, "GET", "/api/v2/clients/app1") ? FakeTenant.Ok(PkjClient)
            : FakeTenant.Is(r, "GET", "/api/v2/clients/app1/credentials") ? FakeTenant.Ok(CredentialList)
            : null);

        ClientCredentialState state = await tenant.Connection.CredentialProvider.ReadAsync("app1", CancellationToken.None);

        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, state.AuthenticationMethod);
        Assert.Equal("Billing worker", state.ClientName);
        Assert.Equal(new[] { "cred_A", "cred_B" }, state.AttachedIds);
        Assert.Equal(new[] { "cred_A", "cred_B" }, state.Attached.Select(c => c.Id));
        Assert.Equal("cred_C", Assert.Single(state.Detached).Id);
        ClientCredential c = state.FindByKid("kidC")!;
        Assert.Equal("PS256", c.Algorithm);
        Assert.Equal(new DateTimeOffset(2027, 5, 6, 7, 8, 9, TimeSpan.Zero), c.ExpiresAt);
        Assert.Equal("Auth0", c.Provider);
        Assert.Null(state.FindById("cred_A")!.ExpiresAt);
        Assert.Equal(2, tenant.ApiCalls.Length);
        Assert.StartsWith("GET /api/v2/clients/app1?fields=", tenant.ApiCalls[0], StringComparison.Ordinal);
        Assert.Equal("GET /api/v2/clients/app1/credentials", tenant.ApiCalls[1]);
    }

    [Fact]
    public async Task An_unknown_client_is_ClientNotFound_naming_it()
    {
        using var tenant = new FakeTenant(_ => FakeHandler.Auth0Error(404, "The client does not exist", "inexistent_client"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.CredentialProvider.ReadAsync("ghost", CancellationToken.None));

        Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
        Assert.Equal("ghost", ex.Target);
        Assert.Equal("inexistent_client", ex.ProviderErrorCode);
        Assert.Single(tenant.ApiCalls);
    }

    [Fact]
    public async Task AddAsync_posts_the_public_key_with_its_algorithm_and_expiry()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        string? posted = null;
        using var tenant = new FakeTenant(r =>
        {
            posted = r.Content!.ReadAsStringAsync().Result;
            return FakeHandler.Json(HttpStatusCode.Created, $"{{\"id\":\"cred_N\",\"credential_type\":\"public_key\",\"kid\":\"{key.Kid}\",\"alg\":\"RS256\",\"name\":\"n\",\"created_at\":\"2026-11-29T12:00:00.000Z\",\"updated_at\":\"2026-11-29T12:00:00.000Z\",\"expires_at\":\"2027-01-01T00:00:00.000Z\"}}");
        });

        ClientCredential created = await tenant.Connection.CredentialProvider.AddAsync(
            "app1", new NewClientCredential(key) { Name = "n", ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) }, CancellationToken.None);

        Assert.Equal("POST /api/v2/clients/app1/credentials", Assert.Single(tenant.ApiCalls));
        using JsonDocument body = JsonDocument.Parse(posted!);
        Assert.Equal("public_key", body.RootElement.GetProperty("credential_type").GetString());
        Assert.Equal("n", body.RootElement.GetProperty("name").GetString());
        Assert.Equal(key.PublicKeyPem, body.RootElement.GetProperty("pem").GetString());
        Assert.Equal("RS256", body.RootElement.GetProperty("alg").GetString());
        Assert.Equal("2027-01-01T00:00:00.000Z", body.RootElement.GetProperty("expires_at").GetString());
        Assert.Equal("cred_N", created.Id);
        Assert.Equal(key.Kid, created.Kid);
        Assert.False(created.Attached);
    }

    [Fact]
    public async Task Adding_a_key_the_client_already_holds_is_CredentialExists_with_the_kid()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        using var tenant = new FakeTenant(_ => FakeHandler.Auth0Error(400, "credentials contains public keys that already exist in client"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.CredentialProvider.AddAsync("app1", new NewClientCredential(key), CancellationToken.None));

        Assert.Equal(ErrorIds.CredentialExists, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, ex.Kind);
        Assert.Equal(key.Kid, ex.Target);
        Assert.Equal(400, ex.StatusCode);
        Assert.IsType<ApiException>(ex.InnerException);
    }

    public static IEnumerable<object[]> BadCredentials()
    {
        RotationKey rsa = TestKeys.For(KeyAlgorithm.RS256);
        yield return new object[] { new NewClientCredential(TestKeys.For(KeyAlgorithm.ES256)), ErrorIds.CredentialAlgorithmUnsupported };
        yield return new object[] { new NewClientCredential(rsa) { Type = ClientCredentialType.X509Cert }, ErrorIds.CertificateRequired };
        yield return new object[] { new NewClientCredential(rsa) { ParseExpiryFromCertificate = true }, ErrorIds.CertificateRequired };
        yield return new object[] { new NewClientCredential(rsa) { ExpiresAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) }, ErrorIds.CredentialExpiryInPast };
        yield return new object[] { new NewClientCredential(rsa) { Name = new string('x', 129) }, ErrorIds.CredentialNameInvalid };
    }

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Bad_input_is_refused_before_any_call(NewClientCredential credential, string errorId)
    {
        using var tenant = new FakeTenant(_ => FakeTenant.Ok("{}"));

        PsCredRotateException ex = await Assert.ThrowsAnyAsync<PsCredRotateException>(() => tenant.Connection.CredentialProvider.AddAsync("app1", credential, CancellationToken.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(tenant.Handler.Requests);
    }

    [Fact]
    public async Task SetAttachedAsync_is_one_PATCH_and_returns_the_ids_the_server_answered()
    {
        string? patched = null;
        using var tenant = new FakeTenant(r =>
        {
            patched = r.Content!.ReadAsStringAsync().Result;
            return FakeTenant.Ok("{\"client_id\":\"app1\",\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[{\"id\":\"cred_B\"}]}}}");
        });

        IReadOnlyList<string> attached = await tenant.Connection.CredentialProvider.SetAttachedAsync("app1", new[] { "cred_A", "cred_B" }, CancellationToken.None);

        Assert.Equal(new[] { "cred_B" }, attached);
        Assert.Equal("PATCH /api/v2/clients/app1", Assert.Single(tenant.ApiCalls));
        Assert.Equal("{\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[{\"id\":\"cred_A\"},{\"id\":\"cred_B\"}]}},\"token_endpoint_auth_method\":null}", patched);
    }

    [Fact]
    public async Task SetAttachedAsync_sends_an_empty_list_as_Auth0_takes_it_for_a_forced_detach_of_the_last_credential()
    {
        string? patched = null;
        using var tenant = new FakeTenant(r =>
        {
            patched = r.Content!.ReadAsStringAsync().Result;
            return FakeTenant.Ok("{\"client_id\":\"app1\",\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[]}}}");
        });

        IReadOnlyList<string> attached = await tenant.Connection.CredentialProvider.SetAttachedAsync("app1", Array.Empty<string>(), CancellationToken.None);

        Assert.Empty(attached);
        Assert.Equal("{\"client_authentication_methods\":{\"private_key_jwt\":{\"credentials\":[]}},\"token_endpoint_auth_method\":null}", patched);
    }

    [Fact]
    public async Task The_provider_refuses_a_plan_whose_writes_need_a_scope_the_token_lacks_before_any_call()
    {
        using var tenant = new FakeTenant(_ => null);
        var check = (IClientCredentialPermissionCheck)tenant.Connection.CredentialProvider;

        check.EnsurePermitted(new[] { RotationStepKind.Create, RotationStepKind.Delete }); // no token yet: the server decides
        await tenant.Connection.ConnectAsync(CancellationToken.None); // scopes: read:clients update:clients
        check.EnsurePermitted(new[] { RotationStepKind.SetAttached, RotationStepKind.Verify, RotationStepKind.RestoreAuthenticationMethod });
        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() =>
            check.EnsurePermitted(new[] { RotationStepKind.Create, RotationStepKind.SetAttached, RotationStepKind.Verify, RotationStepKind.Delete, RotationStepKind.Prune }));

        Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("create:client_credentials delete:client_credentials", ex.Target);
        Assert.Contains("create:client_credentials, delete:client_credentials", ex.Message, StringComparison.Ordinal);
        Assert.Empty(tenant.ApiCalls);
    }

    [Fact]
    public async Task RestoreAuthenticationMethodAsync_clears_the_key_list_and_sets_the_secret_method()
    {
        string? patched = null;
        using var tenant = new FakeTenant(r =>
        {
            patched = r.Content!.ReadAsStringAsync().Result;
            return FakeTenant.Ok("{\"client_id\":\"app1\",\"token_endpoint_auth_method\":\"client_secret_post\"}");
        });

        await tenant.Connection.CredentialProvider.RestoreAuthenticationMethodAsync("app1", ClientAuthenticationMethod.ClientSecretPost, CancellationToken.None);

        Assert.Equal("{\"client_authentication_methods\":null,\"token_endpoint_auth_method\":\"client_secret_post\"}", patched);
    }

    [Fact]
    public async Task SetExpiryAsync_patches_expires_at_or_null()
    {
        var bodies = new List<string>();
        using var tenant = new FakeTenant(r =>
        {
            bodies.Add(r.Content!.ReadAsStringAsync().Result);
            return FakeTenant.Ok("{\"id\":\"cred_A\",\"credential_type\":\"public_key\",\"kid\":\"kidA\",\"alg\":\"RS256\",\"expires_at\":null}");
        });

        ClientCredential updated = await tenant.Connection.CredentialProvider.SetExpiryAsync("app1", "cred_A", new DateTimeOffset(2028, 2, 3, 4, 5, 6, TimeSpan.Zero), CancellationToken.None);
        await tenant.Connection.CredentialProvider.SetExpiryAsync("app1", "cred_A", null, CancellationToken.None);

        Assert.Equal(new[] { "{\"expires_at\":\"2028-02-03T04:05:06.000Z\"}", "{\"expires_at\":null}" }, bodies);
        Assert.Equal(new[] { "PATCH /api/v2/clients/app1/credentials/cred_A", "PATCH /api/v2/clients/app1/credentials/cred_A" }, tenant.ApiCalls);
        Assert.Equal("kidA", updated.Kid);
    }

    [Fact]
    public async Task Deleting_a_credential_that_is_already_gone_succeeds_but_an_unknown_client_does_not()
    {
        using var gone = new FakeTenant(_ => FakeHandler.Auth0Error(404, "Credential does not exist"));
        await gone.Connection.CredentialProvider.DeleteAsync("app1", "cred_X", CancellationToken.None);
        Assert.Equal("DELETE /api/v2/clients/app1/credentials/cred_X", Assert.Single(gone.ApiCalls));

        using var ghost = new FakeTenant(_ => FakeHandler.Auth0Error(404, "The client does not exist", "inexistent_client"));
        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => ghost.Connection.CredentialProvider.DeleteAsync("ghost", "cred_X", CancellationToken.None));
        Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
        Assert.Equal("ghost", ex.Target);
    }

    [Fact]
    public async Task Deleting_an_attached_credential_is_ApiBadRequest_with_Auth0s_message()
    {
        using var tenant = new FakeTenant(_ => FakeHandler.Auth0Error(400, "Cannot delete credential still associated with a client"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.CredentialProvider.DeleteAsync("app1", "cred_A", CancellationToken.None));

        Assert.Equal(ErrorIds.ApiBadRequest, ex.ErrorId);
        Assert.Equal("Cannot delete credential still associated with a client", ex.ProviderMessage);
    }

    [Fact]
    public async Task TestAsync_without_an_audience_uses_the_first_grant_and_never_returns_the_token()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        using var tenant = new FakeTenant(
            r => FakeTenant.Is(r, "GET", "/api/v2/client-grants")
                ? FakeTenant.Ok("{\"start\":0,\"limit\":100,\"total\":2,\"client_grants\":[{\"id\":\"g1\",\"client_id\":\"app1\",\"audience\":\"https://api.example.com\",\"scope\":[]},{\"id\":\"g2\",\"client_id\":\"app1\",\"audience\":\"https://other.example.com\",\"scope\":[]}]}")
                : null,
            (r, n) => n == 1 ? null : FakeHandler.Json(HttpStatusCode.OK, "{\"access_token\":\"SECRET-ACCESS-TOKEN\",\"expires_in\":3600}"));
        await tenant.Connection.ConnectAsync(CancellationToken.None);

        ClientCredentialTestResult result = await tenant.Connection.CredentialProvider.TestAsync("app1", key, null, CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal("https://api.example.com", result.Audience);
        Assert.Equal(key.Kid, result.Kid);
        Assert.Equal(tenant.Now.AddSeconds(3600), result.ExpiresAt);
        Assert.DoesNotContain("SECRET-ACCESS-TOKEN", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "GET /api/v2/client-grants?client_id=app1&page=0&per_page=100&include_totals=true" }, tenant.ApiCalls);
        string tokenBody = tenant.Handler.Requests.Last().Body!;
        Assert.Contains("audience=" + Uri.EscapeDataString("https://api.example.com"), tokenBody, StringComparison.Ordinal);
        Assert.Contains("client_assertion=", tokenBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAsync_for_a_client_without_grants_is_VerificationAudienceRequired()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("{\"start\":0,\"limit\":100,\"total\":0,\"client_grants\":[]}"));

        PsCredRotateException ex = await Assert.ThrowsAsync<PsCredRotateException>(() => tenant.Connection.CredentialProvider.TestAsync("app1", TestKeys.For(KeyAlgorithm.RS256), null, CancellationToken.None));

        Assert.Equal(ErrorIds.VerificationAudienceRequired, ex.ErrorId);
        Assert.Equal("app1", ex.Target);
    }

    [Fact]
    public async Task A_refused_test_token_is_a_result_with_the_OAuth_error_not_an_exception()
    {
        using var tenant = new FakeTenant(_ => null, (_, n) => n == 1 ? null : FakeHandler.Json(HttpStatusCode.Unauthorized, "{\"error\":\"invalid_client\",\"error_description\":\"Invalid client assertion\"}"));
        await tenant.Connection.ConnectAsync(CancellationToken.None);

        ClientCredentialTestResult result = await tenant.Connection.CredentialProvider.TestAsync("app1", TestKeys.For(KeyAlgorithm.RS256), "https://api.example.com", CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(401, result.StatusCode);
        Assert.Equal("invalid_client", result.Error);
        Assert.Equal("Invalid client assertion", result.ErrorDescription);
        Assert.Null(result.ExpiresAt);
        Assert.Empty(tenant.ApiCalls);
    }

    [Fact]
    public async Task A_2xx_body_that_is_not_the_documented_shape_is_ApiResponseInvalid()
    {
        using var tenant = new FakeTenant(_ => FakeTenant.Ok("{\"not\":\"a list\"}"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.Management.ListCredentialsAsync("app1", Array.Empty<string>(), CancellationToken.None));

        Assert.Equal(ErrorIds.ApiResponseInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void The_provider_is_Auth0_with_Auth0s_policy()
    {
        using var tenant = new FakeTenant(_ => null);

        Assert.Equal("Auth0", tenant.Connection.CredentialProvider.Name);
        Assert.Same(CredentialPolicy.Auth0, tenant.Connection.CredentialProvider.Policy);
    }

    private sealed class SynchronousProgress : IProgress<int>
    {
        private readonly List<int> _values;

        public SynchronousProgress(List<int> values) => _values = values;

        public void Report(int value) => _values.Add(value);
    }
}
