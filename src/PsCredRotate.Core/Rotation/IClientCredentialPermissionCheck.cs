using System.Collections.Generic;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// Optional for a provider: says, without a call, whether its connection may make the calls a plan
/// needs (Auth0: the scopes granted in the Management API token), so that a rotation that would
/// fail half-way for lack of permission is refused before its first change. The engine calls it
/// after planning and before the first write; a provider that does not implement it is checked by
/// the server, and the engine then rolls back what it created.
/// </summary>
public interface IClientCredentialPermissionCheck
{
    /// <summary>
    /// Throws <see cref="ErrorIds.InsufficientScope"/> (the message naming the missing permission)
    /// when a step of kind in <paramref name="steps"/> could not be made. No call is made.
    /// Kinds: Prune and Delete (delete a credential), Create, SetAttached and
    /// RestoreAuthenticationMethod (change the client), Verify (a token request).
    /// </summary>
    void EnsurePermitted(IReadOnlyCollection<RotationStepKind> steps);
}
