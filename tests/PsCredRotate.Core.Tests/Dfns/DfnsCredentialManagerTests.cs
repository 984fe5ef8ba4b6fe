using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Dfns;

public sealed class DfnsCredentialManagerTests
{
    [Theory]
    [MemberData(nameof(DfnsTestKeys.Algorithms), MemberType = typeof(DfnsTestKeys))]
    public async Task Adding_a_key_creates_an_active_credential_named_by_the_keys_thumbprint(KeyAlgorithm algorithm)
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey added = DfnsTestKeys.Create(algorithm);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        DfnsCredential credential = await connection.Credentials.AddAsync(added, "runner 2", CancellationToken.None);

        Assert.Equal(added.Kid, credential.CredentialId);
        Assert.Equal(added.Kid, credential.Kid);
        Assert.True(credential.IsActive);
        Assert.Equal("runner 2", credential.Name);
        Assert.False(credential.IsCurrent);
        Assert.Equal(2, dfns.Credentials.Count);
        var create = dfns.Handler.Requests.Single(r => r.Method == "POST" && r.Uri.AbsolutePath == "/auth/credentials");
        var init = dfns.Handler.Requests.Where(r => r.Uri.AbsolutePath == "/auth/action/init").Single();
        Assert.Equal(JsonDocument.Parse(init.Body!).RootElement.GetProperty("userActionPayload").GetString(), create.Body);
        Assert.Equal("{\"kind\":\"Key\"}", dfns.Handler.Requests.Single(r => r.Uri.AbsolutePath == "/auth/credentials/init").Body);
    }

    [Fact]
    public async Task The_create_call_is_signed_by_the_current_credential_not_the_new_key()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.EdDSA);
        using RotationKey added = DfnsTestKeys.Create(KeyAlgorithm.RS256);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        await connection.Credentials.AddAsync(added, null, CancellationToken.None);

        JsonElement action = JsonDocument.Parse(dfns.Handler.Requests.Single(r => r.Uri.AbsolutePath == "/auth/action").Body!).RootElement;
        Assert.Equal("cred-first", action.GetProperty("firstFactor").GetProperty("credentialAssertion").GetProperty("credId").GetString());
        Assert.Equal("Key", action.GetProperty("firstFactor").GetProperty("kind").GetString());
    }

    [Theory]
    [InlineData(403)]
    public async Task A_server_that_refuses_credential_creation_is_DfnsCredentialCreationForbidden_and_nothing_changes(int status)
    {
        var dfns = new FakeDfns { RefuseCreation = status };
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey added = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.Credentials.AddAsync(added, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialCreationForbidden, ex.ErrorId);
        Assert.Contains("Nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.Single(dfns.Credentials);
        Assert.Empty(dfns.Applied);
    }

    [Fact]
    public async Task Adding_a_key_twice_is_DfnsCredentialExists()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey added = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");
        await connection.Credentials.AddAsync(added, null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ApiException>(() => connection.Credentials.AddAsync(added, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DfnsCredentialExists, ex.ErrorId);
        Assert.Equal(2, dfns.Credentials.Count);
    }

    [Fact]
    public async Task Testing_a_working_key_succeeds_and_changes_nothing()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        DfnsCredentialTestResult result = await connection.Credentials.TestAsync(current, null, CancellationToken.None);

        Assert.True(result.Success, result.Reason);
        Assert.Equal("cred-first", result.CredentialId);
        Assert.Empty(dfns.Applied);
        Assert.DoesNotContain(dfns.Handler.Requests, r => r.Uri.AbsolutePath == "/auth/credentials/activate");
        Assert.Single(dfns.IssuedUserActions);
    }

    [Fact]
    public async Task Testing_a_key_the_credential_does_not_hold_fails_with_the_reason()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey stranger = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        DfnsCredentialTestResult byKey = await connection.Credentials.TestAsync(stranger, null, CancellationToken.None);
        DfnsCredentialTestResult byId = await connection.Credentials.TestAsync(stranger, "cred-first", CancellationToken.None);

        Assert.False(byKey.Success);
        Assert.Equal(ErrorIds.DfnsCredentialNotFound, byKey.ErrorId);
        Assert.False(byId.Success);
        Assert.Equal(ErrorIds.DfnsCredentialKeyMismatch, byId.ErrorId);
    }

    [Fact]
    public async Task Testing_a_deactivated_credential_fails_as_DfnsCredentialInactive()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey old = DfnsTestKeys.Create(KeyAlgorithm.EdDSA);
        dfns.Seed(current, "cred-first");
        dfns.Seed(old, null, active: false);
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        DfnsCredentialTestResult result = await connection.Credentials.TestAsync(old, null, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal(ErrorIds.DfnsCredentialInactive, result.ErrorId);
    }

    [Fact]
    public async Task Deactivating_and_activating_change_the_credential_and_an_unknown_uuid_is_DfnsCredentialNotFound()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey other = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        FakeDfns.Credential second = dfns.Seed(other);
        using DfnsConnection connection = dfns.Connect(current, "cred-first");

        await connection.Credentials.DeactivateAsync(second.Uuid, CancellationToken.None);
        Assert.False(second.IsActive);
        await connection.Credentials.ActivateAsync(second.Uuid, CancellationToken.None);
        Assert.True(second.IsActive);
        var ex = await Assert.ThrowsAsync<PsCredRotateException>(() => connection.Credentials.DeactivateAsync("cr-none", CancellationToken.None));
        Assert.Equal(ErrorIds.DfnsCredentialNotFound, ex.ErrorId);
    }

    [Fact]
    public async Task Deactivation_risk_names_the_current_and_the_last_active_key_credential()
    {
        var dfns = new FakeDfns();
        using RotationKey current = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        using RotationKey other = DfnsTestKeys.Create(KeyAlgorithm.ES256);
        dfns.Seed(current, "cred-first");
        FakeDfns.Credential second = dfns.Seed(other);
        using DfnsConnection connection = dfns.Connect(current, "cred-first");
        var all = await connection.Credentials.ListAsync(CancellationToken.None);

        Assert.Equal(DfnsDeactivationRisk.CurrentCredential, DfnsCredentialManager.AssessDeactivation(all, all[0], connection.CredentialId));
        Assert.Equal(DfnsDeactivationRisk.None, DfnsCredentialManager.AssessDeactivation(all, all[1], connection.CredentialId));
        second.IsActive = false;
        var later = await connection.Credentials.ListAsync(CancellationToken.None);
        Assert.Equal(DfnsDeactivationRisk.LastActiveKey, DfnsCredentialManager.AssessDeactivation(later, later[0], "someone-else"));
        Assert.Equal(DfnsDeactivationRisk.None, DfnsCredentialManager.AssessDeactivation(later, later[1], "someone-else"));
    }
}
