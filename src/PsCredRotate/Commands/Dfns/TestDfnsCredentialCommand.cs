using System.Management.Automation;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Test-DfnsCredential: a real signed call with -Key: a user-action challenge answered with an
/// assertion that Dfns verifies; the user-action token is never used, so nothing changes. The
/// credential is the one with -CredentialId, else the one holding the key. Writes a result with
/// Success and Reason; a refused key is a result, not an error.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "DfnsCredential")]
[OutputType(typeof(DfnsCredentialTestResult))]
public sealed class TestDfnsCredentialCommand : DfnsConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, HelpMessage = "The private key to test.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>The credId to sign as; default: the credential whose public key is the key's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? CredentialId { get; set; }

    protected override void ProcessRecord()
    {
        if (TryAwait(ct => Dfns.Credentials.TestAsync(Key, CredentialId, ct), CredentialId ?? Key.Kid, out DfnsCredentialTestResult result))
        {
            WriteObject(result);
        }
    }
}
