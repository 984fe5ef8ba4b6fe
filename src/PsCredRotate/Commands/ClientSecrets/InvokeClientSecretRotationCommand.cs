using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ClientSecrets;

namespace PsCredRotate.Commands.ClientSecrets;

/// <summary>
/// Invoke-ClientSecretRotation: replaces the client secret of an Auth0 application
/// (POST /clients/{id}/rotate-secret). Auth0 gives no overlap: the old secret stops working at
/// once, which the cmdlet says in a warning and in its confirmation (ConfirmImpact High). A
/// private_key_jwt client is refused before any change. The new secret comes back only as the
/// SecureString ClientSecret of the result, or into -OutFile (owner-only, 0600).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ClientSecretRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClientSecretRotation))]
public sealed class InvokeClientSecretRotationCommand : Auth0ConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    /// <summary>Writes the new secret to this file (created owner-only) instead of the result.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Replace an existing -OutFile. Never skips the confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private ClientSecretRotator _rotator = null!;

    protected override void OnConnected(Auth0Connection tenant) => _rotator = new ClientSecretRotator(tenant, RotationHost);

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Rotating client secrets");

    protected override void ProcessRecord()
    {
        Progress.Next($"client '{ClientId}'");
        string? outFile = null;
        if (OutFile is not null)
        {
            try
            {
                outFile = ResolveFileSystemPath(OutFile, ErrorIds.SecretFilePathInvalid);
            }
            catch (PsCredRotateException ex)
            {
                WriteError(ErrorRecords.From(ex, ClientId));
                return;
            }
        }

        ClientSecretRotation? rotation;
        try
        {
            rotation = Await(ct => _rotator.RotateAsync(ClientId, outFile, Force.IsPresent, ct));
        }
        catch (ClientSecretFileException ex)
        {
            // Rotated, but the file failed: the secret must not be lost, so it comes back as the SecureString.
            WriteError(ErrorRecords.From(ex, ClientId));
            WriteObject(ex.Rotation);
            return;
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ErrorRecords.From(ex, ClientId));
            return;
        }

        if (rotation is not null)
        {
            WriteObject(rotation);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
