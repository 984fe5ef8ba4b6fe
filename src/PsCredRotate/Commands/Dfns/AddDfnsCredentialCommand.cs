using System.Management.Automation;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Add-DfnsCredential: a new Key credential for -Key (its credId is the key's thumbprint, Kid),
/// with the attestation signed by the new key and the create call signed, as a user action, by
/// the connection's current credential. The connection keeps signing with its current key.
/// </summary>
[Cmdlet(VerbsCommon.Add, "DfnsCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DfnsCredential))]
public sealed class AddDfnsCredentialCommand : DfnsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The new credential's private key (ES256, EdDSA or RS256).")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>The credential's name; default "PsCredRotate &lt;alg&gt; &lt;kid prefix&gt;".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        string target = $"Dfns credential '{Key.Kid}'";
        if (!ShouldProcess(target, $"Add Key credential{(Name is null ? string.Empty : " '" + Name + "'")}, signed by the current credential '{Dfns.CredentialId}'"))
        {
            return;
        }

        if (TryAwait(ct => Dfns.Credentials.AddAsync(Key, Name, ct), Key.Kid, out DfnsCredential created))
        {
            WriteObject(created);
        }
    }
}
