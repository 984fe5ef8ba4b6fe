using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// A cmdlet that changes one Dfns credential named by -CredentialUuid (Enable/Disable): it reads
/// the user's credentials to find the target first, and with -PassThru writes it as the server
/// reports it afterwards.
/// </summary>
public abstract class DfnsCredentialTargetCmdlet : DfnsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential's uuid (cr-…).")]
    [ValidateNotNullOrEmpty]
    public string CredentialUuid { get; set; } = null!;

    /// <summary>Write the credential as it is afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Reads every credential of the user and finds -CredentialUuid among them; false (the error
    /// written, DfnsCredentialNotFound for an unknown uuid) when either fails.
    /// </summary>
    protected bool TryReadTarget(out IReadOnlyList<DfnsCredential> all, out DfnsCredential target)
    {
        target = null!;
        if (!TryAwait(ct => Dfns.Credentials.ListAsync(ct), CredentialUuid, out all))
        {
            return false;
        }

        try
        {
            target = DfnsCredentialManager.Find(all, CredentialUuid);
            return true;
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return false;
        }
    }

    /// <summary>With -PassThru: writes <paramref name="target"/> as the server reports it now.</summary>
    protected void WritePassThru(DfnsCredential target)
    {
        if (PassThru.IsPresent && TryAwait(ct => Dfns.Credentials.ListAsync(ct), target.CredentialUuid, out IReadOnlyList<DfnsCredential> after))
        {
            WriteObject(DfnsCredentialManager.Find(after, target.CredentialUuid));
        }
    }
}
