using System;
using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Complete-ClientCredentialRotation: the second half, per client: prove the new key again, detach
/// the retiring credentials, and delete them unless -KeepPrevious. Takes Start's rotation objects
/// from the pipeline, or a client id with the new key.
/// </summary>
[Cmdlet(VerbsLifecycle.Complete, "ClientCredentialRotation", DefaultParameterSetName = RotationParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClientCredentialRotation))]
public sealed class CompleteClientCredentialRotationCommand : BulkRotationCmdlet
{
    /// <summary>Rotation objects from Start-ClientCredentialRotation.</summary>
    public const string RotationParameterSet = "Rotation";

    /// <summary>A client id and the new key.</summary>
    public const string ClientIdParameterSet = "ClientId";

    private readonly List<Item> _items = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = RotationParameterSet, HelpMessage = "The rotation Start-ClientCredentialRotation returned.")]
    [ValidateNotNull]
    public ClientCredentialRotation Rotation { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ClientIdParameterSet, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ClientIdParameterSet, HelpMessage = "The new private key.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>Kids or ids to retire; default every attached credential other than the new one.</summary>
    [Parameter(ParameterSetName = ClientIdParameterSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Retire { get; set; }

    /// <summary>Detach but do not delete the retired credentials.</summary>
    [Parameter]
    public SwitchParameter KeepPrevious { get; set; }

    /// <summary>The API the verification token is requested for; default the rotation's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Audience { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == RotationParameterSet)
        {
            if (Audience is not null)
            {
                Rotation.Audience = Audience;
            }

            _items.Add(new Item(Rotation.ClientId, Rotation, null));
        }
        else
        {
            _items.Add(new Item(ClientId, null, new RotationCompleteOptions(ClientId, Key)
            {
                Retire = Retire ?? Array.Empty<string>(),
                KeepPrevious = KeepPrevious.IsPresent,
                Audience = Audience,
            }));
        }
    }

    protected override void EndProcessing() =>
        RunBulk(
            _items,
            item => item.ClientId,
            (item, ct) => item.Rotation is not null
                ? Rotator.CompleteAsync(item.Rotation, KeepPrevious.IsPresent, ct)
                : Rotator.CompleteAsync(item.Options!, ct),
            "Completing client credential rotations");

    private sealed class Item
    {
        public Item(string clientId, ClientCredentialRotation? rotation, RotationCompleteOptions? options)
        {
            ClientId = clientId;
            Rotation = rotation;
            Options = options;
        }

        public string ClientId { get; }

        public ClientCredentialRotation? Rotation { get; }

        public RotationCompleteOptions? Options { get; }
    }
}
