using System;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// The provider-neutral rotation engine: read state → plan → apply one step → read (or take the
/// server's answer) → … → verify → retire. Every decision is made from server state and the new
/// key's kid, so a run interrupted anywhere can be run again and converges; no moment has 0 or more
/// than <see cref="CredentialPolicy.MaxAttached"/> credentials attached.
/// </summary>
public sealed class ClientCredentialRotator
{
    public ClientCredentialRotator(IClientCredentialProvider provider, IRotationHost host, RotationSettings? settings = null)
    {
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Settings = settings ?? new RotationSettings();
    }

    public IClientCredentialProvider Provider { get; }

    public IRotationHost Host { get; }

    public RotationSettings Settings { get; }

    /// <summary>
    /// First half: (prune), create, attach beside the old, verify with a real token. On a failed
    /// verification it undoes its own changes and throws <see cref="ErrorIds.RotationVerificationFailed"/>.
    /// Refusals (SlotFull, PoolFull, ClientUsesClientSecret, bad key) are thrown before any change.
    /// </summary>
    public Task<ClientCredentialRotation> StartAsync(RotationStartOptions options, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Second half: verify the new key again, detach the retiring credentials, delete them unless kept.</summary>
    public Task<ClientCredentialRotation> CompleteAsync(RotationCompleteOptions options, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Complete from a Start result (its NewKey, RetiringKids and Audience).</summary>
    public Task<ClientCredentialRotation> CompleteAsync(ClientCredentialRotation rotation, bool keepPrevious, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Put the attached list back as it was before Start (and the secret method, if Start migrated), then delete the new credential.</summary>
    public Task<ClientCredentialRotation> UndoAsync(ClientCredentialRotation rotation, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Undo by client and new kid (no rotation object): detach and delete the credential with <paramref name="newKid"/>, never the last attached.</summary>
    public Task<ClientCredentialRotation> UndoAsync(string clientId, string newKid, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>
    /// Start, then <paramref name="deploy"/> (puts the new key where the application reads it), then
    /// Complete. A failed verification or deploy undoes and throws
    /// <see cref="ErrorIds.RotationVerificationFailed"/> / <see cref="ErrorIds.RotationDeployFailed"/>;
    /// the old credential keeps working.
    /// </summary>
    public Task<ClientCredentialRotation> InvokeAsync(
        RotationStartOptions options,
        Func<ClientCredentialRotation, CancellationToken, Task> deploy,
        bool keepPrevious,
        CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
