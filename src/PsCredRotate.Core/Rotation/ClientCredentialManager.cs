using System;
using System.Collections.Generic;
using System.Linq;
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
    public void ValidateNewCredential(NewClientCredential credential) =>
        CredentialValidator.Validate(credential, Provider.Policy, Clock());

    /// <summary>Every credential of the client, or the one with <paramref name="idOrKid"/> (<see cref="ErrorIds.CredentialNotFound"/> if none).</summary>
    public async Task<IReadOnlyList<ClientCredential>> GetAsync(string clientId, string? idOrKid, CancellationToken cancellationToken)
    {
        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (idOrKid is null)
        {
            return state.Credentials;
        }

        return new[] { RotationGuards.Find(state, idOrKid) };
    }

    /// <summary>Creates the credential (refusing a kid the client already holds with <see cref="ErrorIds.CredentialExists"/>), optionally attaching it beside the others. Null when declined.</summary>
    public async Task<ClientCredential?> AddAsync(string clientId, NewClientCredential credential, bool attach, CancellationToken cancellationToken)
    {
        ValidateNewCredential(credential);
        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        string kid = credential.Key.Kid;
        if (state.FindByKid(kid) is { } existing)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExists,
                ErrorKind.ResourceExists,
                $"Client '{clientId}' already holds credential {existing.Id} with kid {kid}; a key can be stored once per client.",
                kid);
        }

        bool attachesOnCreate = !Provider.Policy.SeparateAttach;
        if (attachesOnCreate)
        {
            // Adding is attaching: the only limit is the attached one (the provider refuses a client
            // that does not sign in with private_key_jwt itself).
            if (RotationGuards.UsesPrivateKeyJwt(state))
            {
                RotationGuards.EnsureSlotFree(state, Provider.Policy, "Remove one first (Remove-ClientCredential)");
            }
        }
        else if (state.Credentials.Count >= Provider.Policy.MaxStored)
        {
            throw RotationGuards.PoolFull(state, Provider.Policy, "Remove a detached credential first (Remove-ClientCredential)");
        }

        if (attach && !attachesOnCreate)
        {
            RotationGuards.EnsurePrivateKeyJwt(state, "attach");
            RotationGuards.EnsureSlotFree(state, Provider.Policy, "Detach one first (Disable-ClientCredential)");
        }

        var toCreate = new NewClientCredential(credential.Key)
        {
            Name = credential.Name ?? CredentialValidator.DefaultName(credential.Key, Clock()),
            Type = credential.Type,
            ExpiresAt = credential.ExpiresAt,
            ParseExpiryFromCertificate = credential.ParseExpiryFromCertificate,
        };
        if (!Host.ShouldProcess(RotationGuards.Target(clientId, kid), $"Create credential with kid {kid}"))
        {
            return null;
        }

        ClientCredential created = await Provider.AddAsync(clientId, toCreate, cancellationToken).ConfigureAwait(false);
        Host.Verbose($"Created credential {created.Id} (kid {kid}) on client '{clientId}'.");
        if (!attach || attachesOnCreate)
        {
            return created;
        }

        var ids = state.AttachedIds.Concat(new[] { created.Id }).ToList();
        if (!Host.ShouldProcess(RotationGuards.Target(clientId, kid), $"Attach kid {kid} to private_key_jwt beside [{RotationGuards.Kids(state, state.AttachedIds)}]"))
        {
            return created;
        }

        IReadOnlyList<string> attached = await Provider.SetAttachedAsync(clientId, ids, cancellationToken).ConfigureAwait(false);
        return created.WithAttached(attached.Contains(created.Id));
    }

    /// <summary>Attaches a stored credential, keeping the others (<see cref="ErrorIds.SlotFull"/> when the slots are taken).</summary>
    public async Task<ClientCredential?> EnableAsync(string clientId, string idOrKid, CancellationToken cancellationToken)
    {
        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        ClientCredential credential = RotationGuards.Find(state, idOrKid);
        if (credential.Attached)
        {
            Host.Verbose($"Credential {credential.Id} (kid {credential.Kid}) is already attached to client '{clientId}'.");
            return credential;
        }

        RotationGuards.EnsurePrivateKeyJwt(state, "attach");
        RotationGuards.EnsureSlotFree(state, Provider.Policy, "Detach one first (Disable-ClientCredential)");
        var ids = state.AttachedIds.Concat(new[] { credential.Id }).ToList();
        if (!Host.ShouldProcess(RotationGuards.Target(clientId, credential), $"Attach kid {RotationGuards.Name(credential)} to private_key_jwt beside [{RotationGuards.Kids(state, state.AttachedIds)}]"))
        {
            return null;
        }

        IReadOnlyList<string> attached = await Provider.SetAttachedAsync(clientId, ids, cancellationToken).ConfigureAwait(false);
        return credential.WithAttached(attached.Contains(credential.Id));
    }

    /// <summary>Detaches a credential, keeping the others; the last attached one only with <paramref name="force"/> and a confirmation.</summary>
    public async Task<ClientCredential?> DisableAsync(string clientId, string idOrKid, bool force, CancellationToken cancellationToken)
    {
        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        ClientCredential credential = RotationGuards.Find(state, idOrKid);
        if (!credential.Attached)
        {
            Host.Verbose($"Credential {credential.Id} (kid {credential.Kid}) is not attached to client '{clientId}'.");
            return credential;
        }

        IReadOnlyList<string>? attached = await DetachAsync(state, credential, force, cancellationToken).ConfigureAwait(false);
        return attached is null ? null : credential.WithAttached(attached.Contains(credential.Id));
    }

    /// <summary>Changes the expiry (null: never).</summary>
    public async Task<ClientCredential?> SetExpiryAsync(string clientId, string idOrKid, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        DateTimeOffset now = Clock();
        if (expiresAt is { } at && at <= now)
        {
            throw new PsCredRotateException(
                ErrorIds.CredentialExpiryInPast,
                ErrorKind.InvalidArgument,
                $"The expiry {at:u} is not in the future (now {now:u}). Give a later -ExpiresAt, or -NeverExpires.",
                at);
        }

        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        ClientCredential credential = RotationGuards.Find(state, idOrKid);
        string change = expiresAt is { } when ? $"Set the expiry of kid {RotationGuards.Name(credential)} to {when:u}" : $"Make kid {RotationGuards.Name(credential)} never expire";
        if (!Host.ShouldProcess(RotationGuards.Target(clientId, credential), change))
        {
            return null;
        }

        // The provider's answer is the credential record alone (Auth0's PATCH does not say whether it
        // is attached); an expiry change does not move it, so the attachment read above still holds.
        ClientCredential updated = await Provider.SetExpiryAsync(clientId, credential.Id, expiresAt, cancellationToken).ConfigureAwait(false);
        return updated.WithAttached(credential.Attached);
    }

    /// <summary>Detaches (same guard as <see cref="DisableAsync"/>) then deletes. True when deleted.</summary>
    public async Task<bool> RemoveAsync(string clientId, string idOrKid, bool force, CancellationToken cancellationToken)
    {
        ClientCredentialState state = await Provider.ReadAsync(clientId, cancellationToken).ConfigureAwait(false);
        ClientCredential credential = RotationGuards.Find(state, idOrKid);
        if (credential.Attached && !Provider.Policy.SeparateAttach)
        {
            // Deleting is detaching: the same guard as Disable, then the one delete.
            var remaining = state.AttachedIds.Where(id => id != credential.Id).ToList();
            string target = RotationGuards.Target(clientId, credential);
            if (remaining.Count == 0)
            {
                string why = LastAttachedExplanation(state, credential);
                if (!force)
                {
                    throw LastAttached(credential, why);
                }

                if (!Host.ShouldProcess(target, $"Delete credential {credential.Id} (kid {RotationGuards.Name(credential)}), leaving no attached credential")
                    || !Host.ShouldContinue(why + " Delete it anyway?", "Delete the last credential"))
                {
                    return false;
                }
            }
            else if (!Host.ShouldProcess(target, $"Delete credential {credential.Id} (kid {RotationGuards.Name(credential)}), keeping [{RotationGuards.Kids(state, remaining)}]"))
            {
                return false;
            }

            await Provider.DeleteAsync(clientId, credential.Id, cancellationToken).ConfigureAwait(false);
            Host.Verbose($"Deleted credential {credential.Id} (kid {credential.Kid}) of client '{clientId}'.");
            return true;
        }

        if (credential.Attached)
        {
            IReadOnlyList<string>? attached = await DetachAsync(state, credential, force, cancellationToken).ConfigureAwait(false);
            if (attached is null || attached.Contains(credential.Id))
            {
                return false;
            }
        }

        if (!Host.ShouldProcess(RotationGuards.Target(clientId, credential), $"Delete credential {credential.Id} (kid {RotationGuards.Name(credential)})"))
        {
            return false;
        }

        await Provider.DeleteAsync(clientId, credential.Id, cancellationToken).ConfigureAwait(false);
        Host.Verbose($"Deleted credential {credential.Id} (kid {credential.Kid}) of client '{clientId}'.");
        return true;
    }

    /// <summary>A real token request signed with <paramref name="key"/>.</summary>
    public Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken)
    {
        RotationGuards.EnsurePrivateKey(key);
        return Provider.TestAsync(clientId, key, audience, cancellationToken);
    }

    private async Task<IReadOnlyList<string>?> DetachAsync(ClientCredentialState state, ClientCredential credential, bool force, CancellationToken cancellationToken)
    {
        var remaining = state.AttachedIds.Where(id => id != credential.Id).ToList();
        string target = RotationGuards.Target(state.ClientId, credential);
        if (remaining.Count == 0)
        {
            string why = LastAttachedExplanation(state, credential);
            if (!force)
            {
                throw LastAttached(credential, why);
            }

            if (!Host.ShouldProcess(target, $"Detach kid {RotationGuards.Name(credential)} from private_key_jwt, leaving no attached credential"))
            {
                return null;
            }

            if (!Host.ShouldContinue(why + " Detach it anyway?", "Detach the last credential"))
            {
                return null;
            }
        }
        else if (!Host.ShouldProcess(target, $"Detach kid {RotationGuards.Name(credential)} from private_key_jwt, keeping [{RotationGuards.Kids(state, remaining)}]"))
        {
            return null;
        }

        IReadOnlyList<string> attached = await Provider.SetAttachedAsync(state.ClientId, remaining, cancellationToken).ConfigureAwait(false);
        Host.Verbose($"Detached credential {credential.Id} (kid {credential.Kid}) from client '{state.ClientId}'.");
        return attached;
    }

    private static string LastAttachedExplanation(ClientCredentialState state, ClientCredential credential) =>
        $"Credential {credential.Id} (kid {RotationGuards.Name(credential)}) is the last credential attached to client '{state.ClientId}'; without it the client cannot get a token.";

    private static PsCredRotateException LastAttached(ClientCredential credential, string why) =>
        new(
            ErrorIds.LastAttachedCredential,
            ErrorKind.InvalidOperation,
            why + " Attach another credential first, or use -Force.",
            credential.Kid ?? credential.Id);
}
