using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.ConnectionKeys;

namespace PsCredRotate.Commands.ConnectionKeys;

/// <summary>
/// Invoke-ConnectionKeyRotation: the connection's next key becomes current (Auth0 signs with it
/// from then on), the current one previous, and a new next key is made. Returns every key after
/// the rotation. ConfirmImpact High: the upstream IdP must already trust the next key.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ConnectionKeyRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ConnectionKey))]
public sealed class InvokeConnectionKeyRotationCommand : ConnectionKeyCmdlet
{
    /// <summary>The algorithm of the new next key; Auth0's default is RS256.</summary>
    [Parameter]
    [ValidateSet("RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384")]
    public string? SigningAlgorithm { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Manager.RotateAsync(ConnectionId, SigningAlgorithm, ct), ConnectionId, out IReadOnlyList<ConnectionKey>? keys) && keys is not null)
        {
            WriteObject(keys, enumerateCollection: true);
        }
    }
}
