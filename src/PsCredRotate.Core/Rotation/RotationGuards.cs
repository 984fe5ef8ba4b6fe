using System.Collections.Generic;
using System.Linq;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>The refusals the credential operations and the rotation share, with their messages, in one place.</summary>
internal static class RotationGuards
{
    public static ClientCredential Find(ClientCredentialState state, string idOrKid) =>
        state.Find(idOrKid) ?? throw new PsCredRotateException(
            ErrorIds.CredentialNotFound,
            ErrorKind.ObjectNotFound,
            $"Client '{state.ClientId}' has no credential with id or kid '{idOrKid}' (it holds [{Kids(state.Credentials)}]).",
            idOrKid);

    /// <summary>The credential's kid, or its id when it has none: how messages and steps name it.</summary>
    public static string Name(ClientCredential credential) => credential.Kid ?? credential.Id;

    public static string Kids(IEnumerable<ClientCredential> credentials) => string.Join(", ", credentials.Select(Name));

    public static string Kids(ClientCredentialState state, IEnumerable<string> ids) =>
        string.Join(", ", ids.Select(id => state.FindById(id) is { } c ? Name(c) : id));

    public static string Target(string clientId, string kid) => $"client '{clientId}', credential '{kid}'";

    public static string Target(string clientId, ClientCredential credential) => Target(clientId, Name(credential));

    public static string Target(string clientId) => $"client '{clientId}'";

    public static PsCredRotateException PoolFull(ClientCredentialState state, CredentialPolicy policy, string advice) =>
        new(
            ErrorIds.PoolFull,
            ErrorKind.LimitsExceeded,
            $"Client '{state.ClientId}' already stores {state.Credentials.Count} credentials (the maximum is {policy.MaxStored}). Detached: [{Kids(state.Detached)}]. {advice}.",
            state.ClientId);

    public static PsCredRotateException SlotFull(ClientCredentialState state, CredentialPolicy policy, string advice) =>
        new(
            ErrorIds.SlotFull,
            ErrorKind.LimitsExceeded,
            $"Client '{state.ClientId}' already has {policy.MaxAttached} credentials attached to private_key_jwt: [{Kids(state.Attached)}]. {advice}.",
            state.ClientId);

    public static void EnsureSlotFree(ClientCredentialState state, CredentialPolicy policy, string advice)
    {
        if (state.AttachedIds.Count >= policy.MaxAttached)
        {
            throw SlotFull(state, policy, advice);
        }
    }

    public static bool UsesPrivateKeyJwt(ClientCredentialState state) =>
        state.AuthenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt;

    public static string SwitchExplanation(ClientCredentialState state) =>
        $"Client '{state.ClientId}' authenticates with {state.AuthenticationMethod} today. The provider allows one authentication method at a time, so attaching a key moves the client to private_key_jwt and every caller still using the old method stops getting tokens.";

    public static PsCredRotateException UsesClientSecret(ClientCredentialState state, string advice) =>
        new(
            ErrorIds.ClientUsesClientSecret,
            ErrorKind.InvalidOperation,
            $"{SwitchExplanation(state)} {advice}.",
            state.ClientId);

    public static void EnsurePrivateKeyJwt(ClientCredentialState state, string verb)
    {
        if (!UsesPrivateKeyJwt(state))
        {
            throw UsesClientSecret(state, $"Refusing to {verb} a credential; move the client deliberately with Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch");
        }
    }

    public static void EnsurePrivateKey(RotationKey key)
    {
        if (!key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.PrivateKeyUnavailable,
                ErrorKind.InvalidArgument,
                $"Key '{key.Kid}' holds only the public half; a token request must be signed with the private key.",
                key.Kid);
        }
    }
}
