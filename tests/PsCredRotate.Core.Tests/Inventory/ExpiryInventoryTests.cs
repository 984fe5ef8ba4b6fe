using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Inventory;
using PsCredRotate.Core.Tests.Auth0;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.Inventory;

public sealed class ExpiryInventoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task It_keeps_what_expires_within_the_window_expired_ones_included_soonest_first()
    {
        var source = new FixedSource(
            Item("late", Now.AddDays(31)),
            Item("edge", Now.AddDays(30)),
            Item("soon", Now.AddHours(36)),
            Item("gone", Now.AddDays(-2).AddHours(-1)));
        var inventory = new ExpiryInventory(new[] { source }, () => Now);

        IReadOnlyList<ExpiringCredential> found = await inventory.FindAsync(TimeSpan.FromDays(30), null, CancellationToken.None);

        Assert.Equal(new[] { "gone", "soon", "edge" }, found.Select(f => f.Kid));
        Assert.Equal(new[] { -3, 1, 30 }, found.Select(f => f.DaysLeft));
    }

    [Fact]
    public async Task A_negative_window_is_ExpiryWindowInvalid_and_reads_nothing()
    {
        var source = new FixedSource(Item("a", Now));
        var inventory = new ExpiryInventory(new[] { source }, () => Now);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => inventory.FindAsync(TimeSpan.FromSeconds(-1), null, CancellationToken.None));

        Assert.Equal(ErrorIds.ExpiryWindowInvalid, e.ErrorId);
        Assert.Equal(0, source.Reads);
    }

    [Fact]
    public async Task The_Auth0_source_reads_every_client_and_keeps_credentials_with_an_expiry_skipping_a_client_deleted_meanwhile()
    {
        using var tenant = new FakeTenant(r =>
            FakeTenant.Is(r, "GET", "/api/v2/clients") ? FakeTenant.Ok("{\"start\":0,\"limit\":100,\"total\":2,\"clients\":[{\"client_id\":\"app1\",\"name\":\"One\"},{\"client_id\":\"gone\",\"name\":\"Gone\"}]}")
            : FakeTenant.Is(r, "GET", "/api/v2/clients/app1/credentials") ? FakeTenant.Ok(
                "[{\"id\":\"cred_A\",\"credential_type\":\"public_key\",\"kid\":\"kidA\",\"alg\":\"RS256\",\"name\":\"a\",\"expires_at\":null},"
                + "{\"id\":\"cred_C\",\"credential_type\":\"public_key\",\"kid\":\"kidC\",\"alg\":\"RS256\",\"name\":\"c\",\"expires_at\":\"2026-12-06T07:08:09.000Z\"}]")
            : FakeTenant.Is(r, "GET", "/api/v2/clients/gone/credentials") ? FakeHandler.Auth0Error(404, "The client does not exist", "inexistent_client")
            : null);
        var source = new Auth0ClientCredentialExpirySource(tenant.Connection);

        IReadOnlyList<ExpiringCredential> found = await source.ReadAsync(Now, null, CancellationToken.None);

        ExpiringCredential only = Assert.Single(found);
        Assert.Equal(("app1", "One", "kidC", "c", false), (only.ClientId, only.ClientName, only.Kid, only.Name, only.Attached));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 7, 8, 9, TimeSpan.Zero), only.ExpiresAt);
        Assert.Equal(6, only.DaysLeft);
        Assert.Equal(FakeTenant.Domain, only.Tenant);
    }

    [Fact]
    public async Task The_Auth0_source_fails_rather_than_report_an_inventory_with_holes()
    {
        using var tenant = new FakeTenant(r =>
            FakeTenant.Is(r, "GET", "/api/v2/clients") ? FakeTenant.Ok("{\"start\":0,\"limit\":100,\"total\":1,\"clients\":[{\"client_id\":\"app1\",\"name\":\"One\"}]}")
            : FakeTenant.Is(r, "GET", "/api/v2/clients/app1/credentials") ? FakeHandler.Auth0Error(403, "Insufficient scope, expected any of: read:client_credentials", "insufficient_scope")
            : null);
        var source = new Auth0ClientCredentialExpirySource(tenant.Connection);

        ApiException e = await Assert.ThrowsAsync<ApiException>(() => source.ReadAsync(Now, null, CancellationToken.None));

        Assert.Equal(ErrorIds.InsufficientScope, e.ErrorId);
    }

    private static ExpiringCredential Item(string kid, DateTimeOffset expiresAt) =>
        new(ExpiringCredentialSource.ClientCredential, "tenant.example.com", kid, expiresAt, Now) { ClientId = "app-" + kid };

    private sealed class FixedSource : IExpirySource
    {
        private readonly ExpiringCredential[] _items;

        public FixedSource(params ExpiringCredential[] items) => _items = items;

        public int Reads { get; private set; }

        public ExpiringCredentialSource Source => ExpiringCredentialSource.ClientCredential;

        public Task<IReadOnlyList<ExpiringCredential>> ReadAsync(DateTimeOffset now, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<ExpiringCredential>>(_items);
        }
    }
}
