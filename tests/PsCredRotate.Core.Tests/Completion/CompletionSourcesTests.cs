using System.Linq;
using System.Net.Http;
using PsCredRotate.Core.Completion;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Tests.Auth0;
using PsCredRotate.Core.Tests.Oidc;

namespace PsCredRotate.Core.Tests.Completion;

public sealed class CompletionSourcesTests
{
    [Fact]
    public void An_Auth0_tenant_offers_its_client_ids_described_by_name_and_reads_them_once()
    {
        using var tenant = new FakeTenant(request => FakeTenant.Is(request, "GET", "/api/v2/clients")
            ? FakeTenant.Ok("""{"clients":[{"client_id":"abc123","name":"Billing API"},{"client_id":"def456","name":"Nightly worker"}],"total":2,"start":0,"limit":100}""")
            : null);
        var cache = new CompletionCache();

        CompletionCandidate[] first = CompletionSources.ClientIds(tenant.Connection, cache).ToArray();
        CompletionSources.ClientIds(tenant.Connection, cache);

        Assert.Equal(["abc123:Billing API", "def456:Nightly worker"], first.Select(c => c.Value + ":" + c.Description));
        Assert.Single(tenant.ApiCalls, c => c.StartsWith("GET /api/v2/clients", System.StringComparison.Ordinal));
    }

    [Fact]
    public void An_Auth0_tenant_offers_its_oidc_and_okta_connections_only()
    {
        using var tenant = new FakeTenant(request => FakeTenant.Is(request, "GET", "/api/v2/connections")
            ? FakeTenant.Ok("""{"connections":[{"id":"con_1","name":"corp-oidc","strategy":"oidc"},{"id":"con_2","name":"users","strategy":"auth0"},{"id":"con_3","name":"okta","strategy":"okta"}],"total":3,"start":0,"limit":100}""")
            : null);

        CompletionCandidate[] offered = CompletionSources.ConnectionIds(tenant.Connection, new CompletionCache()).ToArray();

        Assert.Equal(["con_1:corp-oidc (oidc)", "con_3:okta (okta)"], offered.Select(c => c.Value + ":" + c.Description));
        Assert.Contains(tenant.ApiCalls, c => c.Contains("strategy=oidc%2Cokta", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_tenant_that_refuses_the_read_offers_nothing()
    {
        using var tenant = new FakeTenant(_ => Http.FakeHandler.Auth0Error(403, "Insufficient scope, expected any of: read:clients", "insufficient_scope"));

        Assert.Empty(CompletionSources.ClientIds(tenant.Connection, new CompletionCache()));
        Assert.Empty(CompletionSources.ConnectionIds(tenant.Connection, new CompletionCache()));
    }

    [Fact]
    public void An_OpenID_client_registration_offers_its_one_client_id_without_a_call()
    {
        var server = new FakeRegistrationServer(FakeRegistrationServer.ClientMetadata());
        using OidcConnection registration = server.Connect();
        int before = server.Handler.Count;

        CompletionCandidate offered = Assert.Single(CompletionSources.ClientIds(registration, new CompletionCache()));

        Assert.Equal(FakeRegistrationServer.ClientId, offered.Value);
        Assert.Equal("billing", offered.Description);
        Assert.Equal(before, server.Handler.Count);
        Assert.Empty(CompletionSources.ConnectionIds(registration, new CompletionCache()));
    }

    [Fact]
    public void No_connection_offers_nothing()
    {
        Assert.Empty(CompletionSources.ClientIds(null, new CompletionCache()));
        Assert.Empty(CompletionSources.ConnectionIds(null, new CompletionCache()));
    }
}
