using System.Management.Automation;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Commands.Dfns.Webhooks;

/// <summary>
/// Remove-DfnsWebhook: deletes a webhook (DELETE /webhooks/{id}, user-action signed) after
/// reading it, so the confirmation names its url and an unknown id (DfnsWebhookNotFound) changes
/// nothing. Takes Get-DfnsWebhook output from the pipeline.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "DfnsWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(DfnsWebhook))]
public sealed class RemoveDfnsWebhookCommand : DfnsConnectedCmdlet
{
    private DfnsWebhookApi _api = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The id of the webhook to delete (wh-...).")]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string WebhookId { get; set; } = null!;

    /// <summary>Writes the removed webhook (as it was just before).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void OnConnected(DfnsConnection connection) => _api = new DfnsWebhookApi(connection);

    protected override void ProcessRecord()
    {
        if (!TryAwait(ct => _api.GetAsync(WebhookId, ct), WebhookId, out DfnsWebhook webhook))
        {
            return;
        }

        if (!ShouldProcess($"Dfns webhook '{webhook.Id}' ({webhook.Url})", "Remove"))
        {
            return;
        }

        if (TryAwait(async ct => { await _api.DeleteAsync(webhook.Id, ct).ConfigureAwait(false); return true; }, webhook.Id, out bool _))
        {
            WriteVerbose($"Removed webhook {webhook.Id}; events signed with its secret will no longer come.");
            if (PassThru.IsPresent)
            {
                WriteObject(webhook);
            }
        }
    }
}
