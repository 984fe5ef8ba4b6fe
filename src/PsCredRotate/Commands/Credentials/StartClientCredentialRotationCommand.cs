using System.Management.Automation;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Start-ClientCredentialRotation: the first half of a rotation, per client: plan, (prune), create
/// the new credential, attach it beside the old, and prove it with a real token. Deploy the new
/// key, then Complete-ClientCredentialRotation.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ClientCredentialRotation", DefaultParameterSetName = GenerateParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClientCredentialRotation))]
public sealed class StartClientCredentialRotationCommand : RotationStartCmdlet
{
    protected override void EndProcessing()
    {
        PrepareStartOptions();
        RunBulk(ClientIds, id => id, (id, ct) => Rotator.StartAsync(StartOptionsFor(id), ct), "Starting client credential rotations");
    }
}
