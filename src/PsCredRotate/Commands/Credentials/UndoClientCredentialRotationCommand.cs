using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Undo-ClientCredentialRotation: removes a started rotation's new credential and leaves the
/// client as it was (attached list, and its secret method if Start switched it). Never removes
/// the client's last attached credential.
/// </summary>
[Cmdlet(VerbsCommon.Undo, "ClientCredentialRotation", DefaultParameterSetName = RotationParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClientCredentialRotation))]
public sealed class UndoClientCredentialRotationCommand : ClientCredentialCmdlet
{
    /// <summary>A rotation object from Start-ClientCredentialRotation.</summary>
    public const string RotationParameterSet = "Rotation";

    /// <summary>A client id and the new credential's kid.</summary>
    public const string KidParameterSet = "Kid";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = RotationParameterSet, HelpMessage = "The rotation Start-ClientCredentialRotation returned.")]
    [ValidateNotNull]
    public ClientCredentialRotation Rotation { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = KidParameterSet, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = KidParameterSet, HelpMessage = "The kid of the credential the rotation added.")]
    [ValidateNotNullOrEmpty]
    public string NewKid { get; set; } = null!;

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Undoing client credential rotations");

    protected override void ProcessRecord()
    {
        string clientId = ParameterSetName == RotationParameterSet ? Rotation.ClientId : ClientId;
        Progress.Next($"client '{clientId}'");
        if (TryAwait(
            ct => ParameterSetName == RotationParameterSet ? Rotator.UndoAsync(Rotation, ct) : Rotator.UndoAsync(ClientId, NewKid, ct),
            clientId,
            out ClientCredentialRotation undone))
        {
            WriteObject(undone);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
