using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Commands.Dfns.Webhooks;

/// <summary>
/// Get-DfnsWebhook: every webhook of the organisation, or the ones named by -WebhookId (an
/// unknown id is a non-terminating DfnsWebhookNotFound). Never a secret: Dfns returns it only at
/// creation.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DfnsWebhook")]
[OutputType(typeof(DfnsWebhook))]
public sealed class GetDfnsWebhookCommand : DfnsConnectedCmdlet
{
    private DfnsWebhookApi _api = null!;

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[]? WebhookId { get; set; }

    protected override void OnConnected(DfnsConnection connection) => _api = new DfnsWebhookApi(connection);

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Reading Dfns webhooks");

    protected override void ProcessRecord()
    {
        if (WebhookId is null)
        {
            if (TryAwait(ct => _api.ListAsync(ct), Dfns.BaseUri.Authority, out IReadOnlyList<DfnsWebhook> all))
            {
                WriteObject(all, enumerateCollection: true);
            }

            return;
        }

        foreach (string id in WebhookId)
        {
            Progress.Next($"webhook '{id}'");
            if (TryAwait(ct => _api.GetAsync(id, ct), id, out DfnsWebhook webhook))
            {
                WriteObject(webhook);
            }
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
