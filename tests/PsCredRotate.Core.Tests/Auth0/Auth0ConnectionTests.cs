using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Tests.Http;
using PsCredRotate.Core.Tests.Jose;

namespace PsCredRotate.Core.Tests.Auth0;

public sealed class Auth0ConnectionTests
{
    private static Auth0ConnectionOptions Options(string? domain, string? clientId = "c", string? secret = "s", RotationKey? key = null) => new()
    {
        Domain = domain,
        ClientId = clientId,
        ClientSecret = secret is null ? null : SecureStrings.FromString(secret),
        Key = key,
    };

    [Theory]
    [InlineData("tenant.eu.auth0.com", "tenant.eu.auth0.com", "https://tenant.eu.auth0.com/")]
    [InlineData("https://tenant.eu.auth0.com/", "tenant.eu.auth0.com", "https://tenant.eu.auth0.com/")]
    [InlineData("login.example.com:8443", "login.example.com:8443", "https://login.example.com:8443/")]
    [InlineData("http://127.0.0.1:5080", "127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080/", "localhost:5080", "http://localhost:5080/")]
    [InlineData("http://[::1]:5080", "[::1]:5080", "http://[::1]:5080/")]
    public void A_valid_domain_gives_the_authority_and_the_base_uri(string domain, string authority, string baseUri)
    {
        using Auth0Connection connection = Auth0Connection.Create(Options(domain));

        Assert.Equal(authority, connection.Domain);
        Assert.Equal(new Uri(baseUri), connection.BaseUri);
        Assert.Equal("https://" + authority + "/", connection.TenantAudience);
        Assert.Equal("https://" + authority + "/api/v2/", connection.ManagementAudience);
        Assert.Empty(connection.Scopes);
        Assert.Null(connection.TokenExpiresAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://tenant.eu.auth0.com/api/v2")]
    [InlineData("https://tenant.eu.auth0.com/?x=1")]
    [InlineData("ftp://tenant.eu.auth0.com")]
    [InlineData("https://user:pw@tenant.eu.auth0.com")]
    [InlineData("ten ant.auth0.com")]
    public void A_domain_that_is_not_a_host_is_DomainInvalid(string? domain)
    {
        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options(domain)));

        Assert.Equal(ErrorIds.DomainInvalid, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData("http://tenant.eu.auth0.com")]
    [InlineData("http://10.0.0.5:8080")]
    public void Plain_http_to_a_host_that_is_not_loopback_is_InsecureTransport(string domain)
    {
        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options(domain)));

        Assert.Equal(ErrorIds.InsecureTransport, ex.ErrorId);
    }

    [Fact]
    public void No_client_id_or_no_credential_is_ConnectionCredentialMissing()
    {
        Assert.Equal(ErrorIds.ConnectionCredentialMissing, Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options("t.auth0.com", clientId: " "))).ErrorId);
        Assert.Equal(ErrorIds.ConnectionCredentialMissing, Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options("t.auth0.com", secret: null))).ErrorId);
        Assert.Equal(ErrorIds.ConnectionCredentialMissing, Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options("t.auth0.com", secret: ""))).ErrorId);
    }

    [Fact]
    public void A_secret_and_a_key_together_are_ConnectionCredentialAmbiguous()
    {
        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options("t.auth0.com", key: TestKeys.For(KeyAlgorithm.RS256))));

        Assert.Equal(ErrorIds.ConnectionCredentialAmbiguous, ex.ErrorId);
    }

    [Fact]
    public void A_public_key_cannot_be_the_connections_credential()
    {
        using RotationKey publicOnly = TestKeys.For(KeyAlgorithm.RS256).ToPublicKey();

        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() => Auth0Connection.Create(Options("t.auth0.com", secret: null, key: publicOnly)));

        Assert.Equal(ErrorIds.SigningKeyRequired, ex.ErrorId);
    }

    [Fact]
    public void FromEnvironment_fills_what_was_not_given_and_explicit_values_win()
    {
        var variables = new Dictionary<string, string?>
        {
            [Auth0ConnectionOptions.DomainVariable] = "env.auth0.com",
            [Auth0ConnectionOptions.ClientIdVariable] = "env-client",
            [Auth0ConnectionOptions.ClientSecretVariable] = "env-secret",
        };

        Auth0ConnectionOptions fromEnv = Auth0ConnectionOptions.FromEnvironment(null, n => variables.TryGetValue(n, out string? v) ? v : null);
        Auth0ConnectionOptions mixed = Auth0ConnectionOptions.FromEnvironment(
            new Auth0ConnectionOptions { Domain = "given.auth0.com", Key = TestKeys.For(KeyAlgorithm.RS256), MaxRetries = 1 },
            n => variables.TryGetValue(n, out string? v) ? v : null);

        Assert.Equal("env.auth0.com", fromEnv.Domain);
        Assert.Equal("env-client", fromEnv.ClientId);
        Assert.Equal("env-secret".Length, fromEnv.ClientSecret!.Length);
        Assert.Null(fromEnv.Key);
        Assert.Equal("given.auth0.com", mixed.Domain);
        Assert.Equal("env-client", mixed.ClientId);
        Assert.Null(mixed.ClientSecret);
        Assert.Same(TestKeys.For(KeyAlgorithm.RS256), mixed.Key);
        Assert.Equal(1, mixed.MaxRetries);
    }

    [Fact]
    public void FromEnvironment_reads_the_private_key_file()
    {
        string path = System.IO.Path.GetTempFileName();
        try
        {
            System.IO.File.WriteAllText(path, KeyExporter.ExportAsText(TestKeys.For(KeyAlgorithm.RS256), KeyExportFormat.Pem, publicOnly: false, password: null, asPlainText: true));
            Auth0ConnectionOptions options = Auth0ConnectionOptions.FromEnvironment(null, n => n switch
            {
                Auth0ConnectionOptions.DomainVariable => "t.auth0.com",
                Auth0ConnectionOptions.ClientIdVariable => "c",
                Auth0ConnectionOptions.PrivateKeyPathVariable => path,
                _ => null,
            });

            Assert.Equal(TestKeys.For(KeyAlgorithm.RS256).Kid, options.Key!.Kid);
            Assert.Null(options.ClientSecret);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public async Task Connect_sends_client_credentials_with_the_secret_and_keeps_scopes_and_expiry()
    {
        using var tenant = new FakeTenant(_ => null);

        await tenant.Connection.ConnectAsync(CancellationToken.None);

        FakeHandler.Recorded token = Assert.Single(tenant.Handler.Requests);
        Assert.Equal("POST", token.Method);
        Assert.Equal("/oauth/token", token.Uri.AbsolutePath);
        Assert.Contains("grant_type=client_credentials", token.Body, StringComparison.Ordinal);
        Assert.Contains("client_id=mgmt-client", token.Body, StringComparison.Ordinal);
        Assert.Contains("client_secret=mgmt-secret-value", token.Body, StringComparison.Ordinal);
        Assert.Contains("audience=" + Uri.EscapeDataString("https://tenant.example.com/api/v2/"), token.Body, StringComparison.Ordinal);
        Assert.Equal(new[] { "read:clients", "update:clients" }, tenant.Connection.Scopes);
        Assert.Equal(tenant.Now.AddSeconds(86400), tenant.Connection.TokenExpiresAt);
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, tenant.Connection.AuthenticationMethod);
        Assert.DoesNotContain("secret", tenant.Connection.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Connect_with_a_key_sends_a_signed_assertion_for_the_tenant()
    {
        RotationKey key = TestKeys.For(KeyAlgorithm.RS256);
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, "{\"access_token\":\"t\",\"expires_in\":60}"));
        using Auth0Connection connection = Auth0Connection.Create(new Auth0ConnectionOptions { Domain = "t.auth0.com", ClientId = "c", Key = key, Handler = handler });

        await connection.ConnectAsync(CancellationToken.None);

        string body = Assert.Single(handler.Requests).Body!;
        Assert.Contains("client_assertion_type=" + Uri.EscapeDataString("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), body, StringComparison.Ordinal);
        string assertion = Uri.UnescapeDataString(body.Split('&').Single(p => p.StartsWith("client_assertion=", StringComparison.Ordinal)).Substring("client_assertion=".Length));
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(assertion);
        Assert.Equal("https://t.auth0.com/", jwt.Audiences.Single());
        Assert.Equal("c", jwt.Issuer);
        Assert.Equal(key.Kid, jwt.Kid);
        Assert.DoesNotContain("client_secret", body, StringComparison.Ordinal);
        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, connection.AuthenticationMethod);
    }

    [Theory]
    [InlineData(401, "access_denied", "Unauthorized")]
    [InlineData(403, "access_denied", "Client is not authorized to access \\\"x\\\".")]
    public async Task A_refused_token_request_is_AuthenticationFailed_with_the_providers_words(int status, string error, string description)
    {
        using var tenant = new FakeTenant(_ => null, (_, _) => FakeHandler.Json((HttpStatusCode)status, $"{{\"error\":\"{error}\",\"error_description\":\"{description}\"}}"));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => tenant.Connection.ConnectAsync(CancellationToken.None));

        Assert.Equal(ErrorIds.AuthenticationFailed, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(error, ex.ProviderErrorCode);
        Assert.Equal(FakeTenant.ClientId, ex.Target);
        Assert.IsType<ApiException>(ex.InnerException);
        Assert.DoesNotContain(FakeTenant.Secret, ex.Message, StringComparison.Ordinal);
        Assert.Null(tenant.Connection.TokenExpiresAt);
    }

    [Fact]
    public async Task The_token_is_reused_then_renewed_once_before_expiry_even_with_concurrent_callers()
    {
        using var tenant = new FakeTenant(r => FakeTenant.Ok("[]"));
        await tenant.Connection.ConnectAsync(CancellationToken.None);
        await tenant.Connection.Management.ListCredentialsAsync("a", Array.Empty<string>(), CancellationToken.None);
        Assert.Equal(1, tenant.TokenRequests);

        tenant.Now = tenant.Now.AddSeconds(86400) - TimeSpan.FromMinutes(4);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => tenant.Connection.Management.ListCredentialsAsync("a", Array.Empty<string>(), CancellationToken.None))));

        Assert.Equal(2, tenant.TokenRequests);
        Assert.Equal(tenant.Now.AddSeconds(86400), tenant.Connection.TokenExpiresAt);
        Assert.All(tenant.Handler.Requests.Where(r => r.Uri.AbsolutePath != "/oauth/token").Skip(1), r => Assert.Equal("Bearer token-2", r.Authorization));
    }

    [Fact]
    public async Task A_401_to_a_cached_token_gets_one_new_token_and_one_retry()
    {
        int calls = 0;
        using var tenant = new FakeTenant(r => Interlocked.Increment(ref calls) == 1 ? FakeHandler.Auth0Error(401, "Invalid token") : FakeTenant.Ok("[]"));
        await tenant.Connection.ConnectAsync(CancellationToken.None);

        await tenant.Connection.Management.ListCredentialsAsync("a", Array.Empty<string>(), CancellationToken.None);

        Assert.Equal(2, tenant.TokenRequests);
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-2" }, tenant.Handler.Requests.Where(r => r.Uri.AbsolutePath != "/oauth/token").Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_closed_connection_refuses_calls()
    {
        var tenant = new FakeTenant(_ => null);
        tenant.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => tenant.Connection.ConnectAsync(CancellationToken.None));
    }
}
