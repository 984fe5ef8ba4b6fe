using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

public class ClientCredentialManagerTests : RotationTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    private ClientCredentialManager Manager => new(Provider, Host, () => Now);

    private async Task<PsCredRotateException> RefusedUnchanged(Func<Task> act, string errorId, string clientId = "app")
    {
        string before = Provider.SnapshotText(clientId);
        var e = await Assert.ThrowsAnyAsync<PsCredRotateException>(act);
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(before, Provider.SnapshotText(clientId));
        Assert.All(Provider.Calls, c => Assert.Equal("Read", c.Operation));
        return e;
    }

    [Fact]
    public async Task Get_returns_every_credential_or_the_one_named_by_id_or_kid()
    {
        ClientCredential old = SeedOne();
        Provider.Seed("app", Other, attached: false);

        Assert.Equal(2, (await Manager.GetAsync("app", null, None)).Count);
        Assert.Equal(old.Id, (await Manager.GetAsync("app", Old.Kid, None)).Single().Id);
        Assert.Equal(Old.Kid, (await Manager.GetAsync("app", old.Id, None)).Single().Kid);
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Manager.GetAsync("app", "nope", None));
        Assert.Equal(ErrorIds.CredentialNotFound, e.ErrorId);
        Assert.Equal("nope", e.Target);
    }

    [Fact]
    public async Task Add_with_Attach_creates_then_attaches_beside_the_others_with_one_ShouldProcess_each()
    {
        ClientCredential old = SeedOne();
        ClientCredential? added = await Manager.AddAsync("app", new NewClientCredential(New), attach: true, None);

        Assert.NotNull(added);
        Assert.True(added!.Attached);
        Assert.Equal(new[] { "Read", "Add", "SetAttached" }, Operations());
        Assert.Equal($"{old.Id},{added.Id}", Provider.Calls[2].Detail);
        Assert.Equal(2, Host.Processed.Count);
        Assert.All(Host.Processed, p => Assert.Contains(New.Kid, p.Target));
        Assert.StartsWith("PsCredRotate ", added.Name);
    }

    [Fact]
    public async Task Add_without_Attach_stores_only()
    {
        SeedOne();
        ClientCredential? added = await Manager.AddAsync("app", new NewClientCredential(New) { Name = "next" }, attach: false, None);
        Assert.False(added!.Attached);
        Assert.Equal("next", added.Name);
        Assert.Equal(new[] { "Read", "Add" }, Operations());
    }

    [Fact]
    public async Task Add_of_a_kid_the_client_holds_is_CredentialExists()
    {
        SeedOne();
        var e = await RefusedUnchanged(() => Manager.AddAsync("app", new NewClientCredential(Old), attach: false, None), ErrorIds.CredentialExists);
        Assert.Equal(Old.Kid, e.Target);
    }

    [Fact]
    public async Task Add_with_Attach_when_both_slots_are_taken_is_SlotFull_before_creating()
    {
        SeedOne();
        Provider.Seed("app", Other, attached: true);
        var e = await RefusedUnchanged(() => Manager.AddAsync("app", new NewClientCredential(New), attach: true, None), ErrorIds.SlotFull);
        Assert.Contains(Old.Kid, e.Message);
        Assert.Contains(Other.Kid, e.Message);
    }

    [Fact]
    public async Task Add_to_a_full_pool_is_PoolFull()
    {
        SeedOne();
        for (int i = 3; i < 6; i++)
        {
            Provider.Seed("app", RotationKeys.Get(i), attached: false);
        }

        await RefusedUnchanged(() => Manager.AddAsync("app", new NewClientCredential(New), attach: false, None), ErrorIds.PoolFull);
    }

    [Fact]
    public async Task Add_with_Attach_to_a_client_on_a_secret_is_refused()
    {
        Provider.AddClient("app", ClientAuthenticationMethod.ClientSecretPost);
        await RefusedUnchanged(() => Manager.AddAsync("app", new NewClientCredential(New), attach: true, None), ErrorIds.ClientUsesClientSecret);
    }

    [Fact]
    public async Task A_declined_Add_changes_nothing()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Host.Answer = (_, _) => false;
        Assert.Null(await Manager.AddAsync("app", new NewClientCredential(New), attach: true, None));
        Assert.Equal(before, Provider.SnapshotText("app"));
        Assert.Equal(new[] { "Read" }, Operations());
    }

    [Fact]
    public async Task Enable_attaches_keeping_the_others()
    {
        ClientCredential old = SeedOne();
        ClientCredential other = Provider.Seed("app", Other, attached: false);
        ClientCredential? enabled = await Manager.EnableAsync("app", Other.Kid, None);
        Assert.True(enabled!.Attached);
        Assert.Equal($"{old.Id},{other.Id}", Provider.Calls.Last().Detail);
    }

    [Fact]
    public async Task Enable_with_both_slots_taken_is_SlotFull_naming_both()
    {
        SeedOne();
        Provider.Seed("app", Other, attached: true);
        Provider.Seed("app", New, attached: false);
        var e = await RefusedUnchanged(() => Manager.EnableAsync("app", New.Kid, None), ErrorIds.SlotFull);
        Assert.Contains(Old.Kid, e.Message);
        Assert.Contains(Other.Kid, e.Message);
    }

    [Fact]
    public async Task Enable_of_an_unknown_credential_is_CredentialNotFound()
    {
        SeedOne();
        await RefusedUnchanged(() => Manager.EnableAsync("app", "cred_missing", None), ErrorIds.CredentialNotFound);
    }

    [Fact]
    public async Task Enable_of_an_attached_credential_changes_nothing()
    {
        SeedOne();
        ClientCredential? same = await Manager.EnableAsync("app", Old.Kid, None);
        Assert.True(same!.Attached);
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Empty(Host.Processed);
    }

    [Fact]
    public async Task Disable_detaches_keeping_the_others()
    {
        ClientCredential old = SeedOne();
        Provider.Seed("app", Other, attached: true);
        ClientCredential? disabled = await Manager.DisableAsync("app", Other.Kid, force: false, None);
        Assert.False(disabled!.Attached);
        Assert.Equal(old.Id, Provider.Calls.Last().Detail);
        Assert.Empty(Host.Continued);
    }

    [Fact]
    public async Task Disable_of_the_last_attached_is_refused_without_Force()
    {
        SeedOne();
        var e = await RefusedUnchanged(() => Manager.DisableAsync("app", Old.Kid, force: false, None), ErrorIds.LastAttachedCredential);
        Assert.Equal(Old.Kid, e.Target);
        Assert.Contains("-Force", e.Message);
    }

    [Fact]
    public async Task Disable_of_the_last_attached_with_Force_still_asks_and_a_no_changes_nothing()
    {
        SeedOne();
        string before = Provider.SnapshotText("app");
        Host.ContinueAnswer = false;
        Assert.Null(await Manager.DisableAsync("app", Old.Kid, force: true, None));
        Assert.Single(Host.Continued);
        Assert.Equal(before, Provider.SnapshotText("app"));
    }

    [Fact]
    public async Task Disable_of_the_last_attached_with_Force_and_a_yes_detaches_it()
    {
        SeedOne();
        ClientCredential? disabled = await Manager.DisableAsync("app", Old.Kid, force: true, None);
        Assert.False(disabled!.Attached);
        Assert.Single(Host.Continued);
        Assert.Equal("PrivateKeyJwt attached=[] stored=[" + Old.Kid + "]", Provider.KidText("app"));
    }

    [Fact]
    public async Task SetExpiry_changes_the_expiry_and_refuses_the_past_before_any_call()
    {
        SeedOne();
        DateTimeOffset when = Now.AddDays(90);
        ClientCredential? updated = await Manager.SetExpiryAsync("app", Old.Kid, when, None);
        Assert.Equal(when, updated!.ExpiresAt);
        Assert.True(updated.Attached, "the record returned keeps the attachment read before the change");

        Provider.Calls.Clear();
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Manager.SetExpiryAsync("app", Old.Kid, Now.AddDays(-1), None));
        Assert.Equal(ErrorIds.CredentialExpiryInPast, e.ErrorId);
        Assert.Empty(Provider.Calls);

        ClientCredential? never = await Manager.SetExpiryAsync("app", Old.Kid, null, None);
        Assert.Null(never!.ExpiresAt);
    }

    [Fact]
    public async Task Remove_of_a_detached_credential_deletes_it()
    {
        SeedOne();
        ClientCredential other = Provider.Seed("app", Other, attached: false);
        Assert.True(await Manager.RemoveAsync("app", other.Id, force: false, None));
        Assert.Equal(new[] { "Read", "Delete" }, Operations());
        Assert.Single(Host.Processed);
    }

    [Fact]
    public async Task Remove_of_an_attached_credential_detaches_then_deletes_with_a_ShouldProcess_each()
    {
        ClientCredential old = SeedOne();
        ClientCredential other = Provider.Seed("app", Other, attached: true);
        Assert.True(await Manager.RemoveAsync("app", Other.Kid, force: false, None));
        Assert.Equal(new[] { "Read", "SetAttached", "Delete" }, Operations());
        Assert.Equal(old.Id, Provider.Calls[1].Detail);
        Assert.Equal(other.Id, Provider.Calls[2].Detail);
        Assert.Equal(2, Host.Processed.Count);
        AssertNoLockoutAndNoOverflow();
    }

    [Fact]
    public async Task Remove_of_the_last_attached_is_refused_without_Force()
    {
        SeedOne();
        await RefusedUnchanged(() => Manager.RemoveAsync("app", Old.Kid, force: false, None), ErrorIds.LastAttachedCredential);
    }

    [Fact]
    public async Task Remove_of_an_unknown_credential_is_CredentialNotFound()
    {
        SeedOne();
        await RefusedUnchanged(() => Manager.RemoveAsync("app", "cred_missing", force: false, None), ErrorIds.CredentialNotFound);
    }

    [Fact]
    public async Task Remove_under_WhatIf_reports_and_changes_nothing()
    {
        SeedOne();
        Provider.Seed("app", Other, attached: true);
        string before = Provider.SnapshotText("app");
        Host.WhatIf = true;
        Assert.False(await Manager.RemoveAsync("app", Other.Kid, force: false, None));
        Assert.Equal(before, Provider.SnapshotText("app"));
        Assert.Equal(new[] { "Read" }, Operations());
        Assert.Single(Host.Processed);
    }

    [Fact]
    public async Task Test_makes_a_real_token_request_and_needs_the_private_key()
    {
        SeedOne();
        ClientCredentialTestResult ok = await Manager.TestAsync("app", Old, "https://api.example", None);
        Assert.True(ok.Success);
        ClientCredentialTestResult refused = await Manager.TestAsync("app", New, null, None);
        Assert.False(refused.Success);
        Assert.Equal("invalid_client", refused.Error);

        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => Manager.TestAsync("app", Old.ToPublicKey(), null, None));
        Assert.Equal(ErrorIds.PrivateKeyUnavailable, e.ErrorId);
    }

    [Fact]
    public async Task Remove_of_the_last_attached_with_Force_and_a_yes_detaches_then_deletes()
    {
        SeedOne();
        Assert.True(await Manager.RemoveAsync("app", Old.Kid, force: true, None));
        Assert.Equal(new[] { "Read", "SetAttached", "Delete" }, Operations());
        Assert.Equal(string.Empty, Provider.Calls[1].Detail);
        Assert.Single(Host.Continued);
        Assert.Equal("PrivateKeyJwt attached=[] stored=[]", Provider.KidText("app"));
    }
}
