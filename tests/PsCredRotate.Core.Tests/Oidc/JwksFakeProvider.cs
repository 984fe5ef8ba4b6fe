using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Oidc;

/// <summary>
/// A provider whose adding is attaching (RFC 7592's jwks): one client, keys named by kid, Add puts a
/// key in the set (it signs in at once), Delete takes it out, SetAttached must never be called.
/// Records every call and the set's size after every change, and can refuse kids at the token endpoint.
/// </summary>
internal sealed class JwksFakeProvider : IClientCredentialProvider
{
    private readonly List<string> _keys = new();

    public JwksFakeProvider(CredentialPolicy? policy = null)
    {
        Policy = policy ?? OidcCredentialProvider.OidcPolicy;
    }

    public string Name => "FakeJwks";

    public CredentialPolicy Policy { get; }

    public List<string> Calls { get; } = new();

    /// <summary>The number of keys after every write.</summary>
    public List<int> SizeHistory { get; } = new();

    public HashSet<string> RefusedKids { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Keys => _keys;

    public void Seed(params RotationKey[] keys) => _keys.AddRange(keys.Select(k => k.Kid));

    public string[] Writes => Calls.Where(c => c is not ("Read" or "Test")).ToArray();

    public Task<ClientCredentialState> ReadAsync(string clientId, CancellationToken cancellationToken)
    {
        Calls.Add("Read");
        return Task.FromResult(State(clientId));
    }

    public Task<ClientCredential> AddAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken)
    {
        Calls.Add("Add");
        if (_keys.Contains(credential.Key.Kid))
        {
            throw new PsCredRotateException(ErrorIds.CredentialExists, ErrorKind.ResourceExists, "exists", credential.Key.Kid);
        }

        _keys.Add(credential.Key.Kid);
        SizeHistory.Add(_keys.Count);
        return Task.FromResult(Credential(clientId, credential.Key.Kid));
    }

    public Task<IReadOnlyList<string>> SetAttachedAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken)
    {
        Calls.Add("SetAttached");
        throw new InvalidOperationException("SetAttached must not be called for a provider whose adding is attaching.");
    }

    public Task RestoreAuthenticationMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not expected");

    public Task<ClientCredential> SetExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not expected");

    public Task DeleteAsync(string clientId, string credentialId, CancellationToken cancellationToken)
    {
        Calls.Add("Delete");
        _keys.Remove(credentialId);
        SizeHistory.Add(_keys.Count);
        return Task.CompletedTask;
    }

    public Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken)
    {
        Calls.Add("Test");
        bool ok = _keys.Contains(key.Kid) && !RefusedKids.Contains(key.Kid);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return Task.FromResult(ok
            ? new ClientCredentialTestResult(clientId, key.Kid, audience, true, now.AddMinutes(5), 200, null, null, now)
            : new ClientCredentialTestResult(clientId, key.Kid, audience, false, null, 401, "invalid_client", "refused", now));
    }

    private ClientCredentialState State(string clientId) =>
        new(clientId, "app", ClientAuthenticationMethod.PrivateKeyJwt, _keys.ToList(), _keys.Select(k => Credential(clientId, k)).ToList());

    private ClientCredential Credential(string clientId, string kid) =>
        new(clientId, kid, kid, null, "RS256", "jwk", true, null, null, null, Name);
}
