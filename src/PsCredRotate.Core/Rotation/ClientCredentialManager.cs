using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// Single-credential operations with the module's guards (the engine of Get/Add/Enable/Disable/
/// Set/Remove/Test-ClientCredential): checks input against <see cref="CredentialPolicy"/> before any
/// call, asks <see cref="IRotationHost.ShouldProcess"/> per side effect, and refuses to leave a
/// client without an attached credential unless forced (<see cref="ErrorIds.LastAttachedCredential"/>).
/// </summary>
public sealed class ClientCredentialManager
{
    public ClientCredentialManager(IClientCredentialProvider provider, IRotationHost host, Func<DateTimeOffset>? clock = null)
    {
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    public IClientCredentialProvider Provider { get; }

    public IRotationHost Host { get; }

    public Func<DateTimeOffset> Clock { get; }

    /// <summary>
    /// Throws the specific error for a key the provider would refuse (algorithm, key type, RSA size,
    /// expired certificate, expiry in the past, expiry options that conflict). No call is made.
    /// </summary>
    public void ValidateNewCredential(NewClientCredential credential) => throw new NotImplementedException();

    /// <summary>Every credential of the client, or the one with <paramref name="idOrKid"/> (<see cref="ErrorIds.CredentialNotFound"/> if none).</summary>
    public Task<IReadOnlyList<ClientCredential>> GetAsync(string clientId, string? idOrKid, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Creates the credential (refusing a kid the client already holds with <see cref="ErrorIds.CredentialExists"/>), optionally attaching it beside the others. Null when declined.</summary>
    public Task<ClientCredential?> AddAsync(string clientId, NewClientCredential credential, bool attach, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Attaches a stored credential, keeping the others (<see cref="ErrorIds.SlotFull"/> when the slots are taken).</summary>
    public Task<ClientCredential?> EnableAsync(string clientId, string idOrKid, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Detaches a credential, keeping the others; the last attached one only with <paramref name="force"/> and a confirmation.</summary>
    public Task<ClientCredential?> DisableAsync(string clientId, string idOrKid, bool force, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Changes the expiry (null: never).</summary>
    public Task<ClientCredential?> SetExpiryAsync(string clientId, string idOrKid, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Detaches (same guard as <see cref="DisableAsync"/>) then deletes. True when deleted.</summary>
    public Task<bool> RemoveAsync(string clientId, string idOrKid, bool force, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>A real token request signed with <paramref name="key"/>.</summary>
    public Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
