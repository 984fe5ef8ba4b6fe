using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// What the rotation engine needs from a provider (Auth0 today; RFC 7592 next): read a client's
/// credentials, add, attach/detach, delete, and prove a key with a real token. Every method talks
/// to the server; none caches. Failures are <see cref="PsCredRotateException"/>s whose ErrorId says
/// what happened (a <see cref="Http.ApiException"/> for an HTTP outcome), so the engine can tell a
/// refusal from a transient fault.
/// </summary>
public interface IClientCredentialProvider
{
    /// <summary>Short provider name for messages and <see cref="ClientCredential.Provider"/> (Auth0).</summary>
    string Name { get; }

    /// <summary>The provider's limits (checked before any call).</summary>
    CredentialPolicy Policy { get; }

    /// <summary>The client's method, attached ids and every stored credential (Auth0: GET client + GET credentials).</summary>
    Task<ClientCredentialState> ReadAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a credential record (not attached). When the server already holds a credential with
    /// the key's kid it throws <see cref="ErrorIds.CredentialExists"/> (Target = the kid), so an
    /// ambiguous failure can be resolved by reading again.
    /// </summary>
    Task<ClientCredential> AddAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the client's private_key_jwt list to exactly <paramref name="credentialIds"/> (in order),
    /// which also switches a client from a secret to private_key_jwt. Returns the attached ids as
    /// the server answered. Never called with more than <see cref="CredentialPolicy.MaxAttached"/>, and
    /// with an empty list only when the user forced detaching the last credential (Disable/Remove
    /// -Force after a confirmation; Auth0 accepts <c>"credentials": []</c>).
    /// </summary>
    Task<IReadOnlyList<string>> SetAttachedAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken);

    /// <summary>Switches the client back to a secret method (undoing a migration); the secret is unchanged.</summary>
    Task RestoreAuthenticationMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken);

    /// <summary>Changes a credential's expiry (null: never expires). Returns the updated record.</summary>
    Task<ClientCredential> SetExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes a detached credential. Deleting one that is already gone succeeds.</summary>
    Task DeleteAsync(string clientId, string credentialId, CancellationToken cancellationToken);

    /// <summary>
    /// Signs an assertion with <paramref name="key"/> and exchanges it at the token endpoint.
    /// <paramref name="audience"/> null: the provider's default for the client (Auth0: an API the
    /// client has a grant for). A refused token is a result with Success false, not an exception;
    /// exceptions are for calls that could not be made.
    /// </summary>
    Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken);
}
