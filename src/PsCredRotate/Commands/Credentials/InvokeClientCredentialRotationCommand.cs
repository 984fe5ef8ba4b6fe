using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Invoke-ClientCredentialRotation: the whole rotation per client: Start, then the -Deploy script
/// (on the pipeline thread, with $args[0] = the client id, $args[1] = the new key, $_ = the
/// rotation), then Complete. A failed verification or deploy undoes the new credential and leaves
/// the old one working.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ClientCredentialRotation", DefaultParameterSetName = GenerateParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClientCredentialRotation))]
public sealed class InvokeClientCredentialRotationCommand : RotationStartCmdlet
{
    [Parameter(Mandatory = true, HelpMessage = "Puts the new key where the application reads it.")]
    [ValidateNotNull]
    public ScriptBlock Deploy { get; set; } = null!;

    /// <summary>Detach but do not delete the retired credentials.</summary>
    [Parameter]
    public SwitchParameter KeepPrevious { get; set; }

    protected override void EndProcessing()
    {
        PrepareStartOptions();
        RunBulk(
            ClientIds,
            id => id,
            (id, ct) => Rotator.InvokeAsync(StartOptionsFor(id), RunDeploy, KeepPrevious.IsPresent, ct),
            "Rotating client credentials");
    }

    /// <summary>The user's -Deploy script, run on the pipeline thread; its failure is the engine's to handle (undo).</summary>
    private Task RunDeploy(ClientCredentialRotation rotation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Dispatcher.Invoke(() =>
        {
            var variables = new List<PSVariable> { new("_", rotation) };
            Deploy.InvokeWithContext(null, variables, rotation.ClientId, rotation.NewKey);
        });
        return Task.CompletedTask;
    }
}
