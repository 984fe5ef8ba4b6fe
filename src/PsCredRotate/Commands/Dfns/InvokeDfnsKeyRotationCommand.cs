using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;
using PsCredRotate.Custody;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Invoke-DfnsKeyRotation: rotates the connection's key: adds the new Key credential (signed by
/// the old key), runs -Deploy (on the pipeline thread, $args[0] = the new key, $_ = the result),
/// verifies the new key with a real signed call, deactivates the old credential (signed by the new
/// key), and from then on the connection signs with the new key. A failed deploy or verification
/// deactivates the new credential and leaves the old one active. Rerun-safe.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "DfnsKeyRotation", DefaultParameterSetName = GenerateParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DfnsKeyRotationResult))]
public sealed class InvokeDfnsKeyRotationCommand : DfnsConnectedCmdlet
{
    /// <summary>Generate the new key (-Algorithm), or reuse the one at -KeyPath.</summary>
    public const string GenerateParameterSet = "Generate";

    /// <summary>Rotate to a given key (-NewKey).</summary>
    public const string NewKeyParameterSet = "NewKey";

    private const int ProgressActivityId = 0x6466;

    [Parameter(Mandatory = true, ParameterSetName = NewKeyParameterSet, HelpMessage = "The new private key (ES256, EdDSA or RS256).")]
    [ValidateNotNull]
    public RotationKey NewKey { get; set; } = null!;

    /// <summary>Algorithm of the generated key: ES256 (P-256, default), EdDSA (Ed25519) or RS256 (RSA-2048).</summary>
    [Parameter(ParameterSetName = GenerateParameterSet)]
    [ValidateSet("ES256", "EdDSA", "RS256")]
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.ES256;

    /// <summary>Where the new private key is written (owner-only) before it is added; reused on a rerun.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    /// <summary>Encrypts the -KeyPath file and the -SecretName secret (and decrypts them on a rerun).</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>The SecretManagement vault that keeps the new private key (with -SecretName).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Vault { get; set; }

    /// <summary>The vault secret the new private key is stored in before it is added; reused on a rerun.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretName { get; set; }

    /// <summary>The new credential's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Puts the new key where its users read it; runs after the add and before the verification.</summary>
    [Parameter]
    [ValidateNotNull]
    public ScriptBlock? Deploy { get; set; }

    protected override void EndProcessing()
    {
        VaultKeyLocation? location = null;
        try
        {
            location = VaultParameters.Resolve(this, Vault, SecretName);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }

        var options = new DfnsKeyRotationOptions
        {
            VaultLocation = location,
            KeyVault = location is null ? null : new SecretManagementVault(this, Dispatcher),
            NewKey = ParameterSetName == NewKeyParameterSet ? NewKey : null,
            Algorithm = Algorithm,
            KeyPath = KeyPath is null ? null : ResolveFileSystemPath(KeyPath, ErrorIds.KeyFileNotFound),
            KeyPassword = Password,
            Name = Name,
            Deploy = Deploy is null ? null : RunDeploy,
            Progress = new PostedProgress<DfnsRotationProgress>(Dispatcher, p => WriteProgress(new ProgressRecord(ProgressActivityId, "Rotating the Dfns key", p.Status) { PercentComplete = p.Percent })),
        };
        var rotator = new DfnsKeyRotator(Dfns, RotationHost);
        bool done = TryAwait(ct => rotator.InvokeAsync(options, ct), Dfns.CredentialId, out DfnsKeyRotationResult result);
        WriteProgress(new ProgressRecord(ProgressActivityId, "Rotating the Dfns key", "Done") { RecordType = ProgressRecordType.Completed });
        if (done)
        {
            WriteObject(result);
        }
    }

    /// <summary>The user's -Deploy script, run on the pipeline thread; its failure is the engine's to handle (rollback).</summary>
    private Task RunDeploy(DfnsKeyRotationResult rotation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dispatcher.Invoke(() =>
        {
            var variables = new List<PSVariable> { new("_", rotation) };
            Deploy!.InvokeWithContext(null, variables, rotation.NewKey);
        });
        return Task.CompletedTask;
    }
}
