using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.ConnectionKeys;

namespace PsCredRotate.Commands.ConnectionKeys;

/// <summary>
/// New-ConnectionKey: provisions the first keys (current and next) of an oidc/okta connection that
/// uses private_key_jwt. A connection that already has keys is ConnectionKeysExist.
/// </summary>
[Cmdlet(VerbsCommon.New, "ConnectionKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConnectionKey))]
public sealed class NewConnectionKeyCommand : ConnectionKeyCmdlet
{
    /// <summary>The keys' signing algorithm; Auth0's default is RS256.</summary>
    [Parameter]
    [ValidateSet("RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384")]
    public string? SigningAlgorithm { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Manager.ProvisionAsync(ConnectionId, SigningAlgorithm, ct), ConnectionId, out IReadOnlyList<ConnectionKey>? keys) && keys is not null)
        {
            WriteObject(keys, enumerateCollection: true);
        }
    }
}
