using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// What the server says about one client's credentials at one moment: its authentication method,
/// the attached credential ids in the server's order, and every stored credential (attached or
/// not). The rotation engine plans from this and nothing else.
/// </summary>
public sealed class ClientCredentialState
{
    public ClientCredentialState(
        string clientId,
        string? clientName,
        ClientAuthenticationMethod authenticationMethod,
        IReadOnlyList<string> attachedIds,
        IReadOnlyList<ClientCredential> credentials)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        ClientName = clientName;
        AuthenticationMethod = authenticationMethod;
        AttachedIds = attachedIds ?? throw new ArgumentNullException(nameof(attachedIds));
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
    }

    public string ClientId { get; }

    public string? ClientName { get; }

    public ClientAuthenticationMethod AuthenticationMethod { get; }

    /// <summary>Ids in the private_key_jwt list, in the server's order (empty unless PrivateKeyJwt).</summary>
    public IReadOnlyList<string> AttachedIds { get; }

    /// <summary>Every stored credential; <see cref="ClientCredential.Attached"/> agrees with <see cref="AttachedIds"/>.</summary>
    public IReadOnlyList<ClientCredential> Credentials { get; }

    public IEnumerable<ClientCredential> Attached => Credentials.Where(c => c.Attached);

    public IEnumerable<ClientCredential> Detached => Credentials.Where(c => !c.Attached);

    public ClientCredential? FindByKid(string kid) =>
        Credentials.FirstOrDefault(c => string.Equals(c.Kid, kid, StringComparison.Ordinal));

    public ClientCredential? FindById(string id) =>
        Credentials.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));

    /// <summary>A credential named by id or kid (what -Retire and -CredentialId accept).</summary>
    public ClientCredential? Find(string idOrKid) => FindById(idOrKid) ?? FindByKid(idOrKid);
}
