using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.ClientSecrets;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Commands.Dfns.Webhooks;

/// <summary>
/// New-DfnsWebhook: creates a webhook (POST /webhooks, user-action signed), or with -Like a webhook
/// that replaces an existing one (same url and events, read from Dfns). The secret Dfns returns
/// once leaves only as the SecureString Secret property of the output or in a new owner-only
/// -OutFile (an existing file is refused before anything is created).
/// </summary>
[Cmdlet(VerbsCommon.New, "DfnsWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = UrlParameterSet)]
[OutputType(typeof(DfnsWebhook))]
public sealed class NewDfnsWebhookCommand : DfnsConnectedCmdlet
{
    /// <summary>A new webhook for a url and events.</summary>
    public const string UrlParameterSet = "Url";

    /// <summary>A webhook that replaces an existing one (its url and events).</summary>
    public const string LikeParameterSet = "Like";

    private DfnsWebhookApi _api = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UrlParameterSet, HelpMessage = "The receiver's https URL.")]
    [ValidateNotNullOrEmpty]
    public string Url { get; set; } = null!;

    /// <summary>The event kinds (Dfns's <c>events</c>); singular as PowerShell names parameters, -Events works too.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlParameterSet, HelpMessage = "Event kinds to subscribe to, e.g. wallet.created, or *.")]
    [Alias("Events")]
    [ValidateNotNullOrEmpty]
    public string[] Event { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LikeParameterSet, ValueFromPipeline = true, HelpMessage = "The webhook (object or id) the new one replaces.")]
    [ValidateNotNull]
    public object Like { get; set; } = null!;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    [Parameter]
    [ValidateSet("Enabled", "Disabled")]
    public string? Status { get; set; }

    /// <summary>A new file (created owner-only, 0600) for the secret instead of the Secret property.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    protected override void OnConnected(DfnsConnection connection) => _api = new DfnsWebhookApi(connection);

    protected override void ProcessRecord()
    {
        string? outFile;
        string? likeId = null;
        try
        {
            outFile = OutFile is null ? null : ClientSecretFile.CheckTarget(ResolveFileSystemPath(OutFile, ErrorIds.SecretFilePathInvalid), overwrite: false);
            if (ParameterSetName == LikeParameterSet)
            {
                likeId = WebhookIdOf(Like);
            }
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        DfnsWebhookRequest request;
        string target;
        if (likeId is not null)
        {
            if (!TryAwait(ct => _api.GetAsync(likeId, ct), likeId, out DfnsWebhook old))
            {
                return;
            }

            request = DfnsWebhookRequest.ReplacementFor(old, Description, Status);
            target = $"new Dfns webhook for '{old.Url}' ({string.Join(", ", old.Events)}) replacing webhook '{old.Id}'";
        }
        else
        {
            request = new DfnsWebhookRequest(Url, Event, Description, Status);
            target = $"new Dfns webhook for '{Url}' ({string.Join(", ", Event)})";
        }

        if (!ShouldProcess(target, "Create"))
        {
            return;
        }

        try
        {
            DfnsWebhook created = Await(ct => _api.CreateAsync(request, outFile, ct));
            string whereTo = created.SecretFile is null ? "the output's SecureString property (store it now: Dfns never shows it again)" : "'" + created.SecretFile + "'";
            WriteVerbose($"Created webhook {created.Id} for {created.Url}; its signing key is in {whereTo}.");
            WriteObject(created);
        }
        catch (DfnsWebhookSecretFileException ex)
        {
            // Created, but the file failed: the secret must not be lost, so it comes back as the SecureString.
            WriteError(ex);
            WriteObject(ex.Webhook);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
        }
    }

    /// <summary>The id in a -Like argument: a webhook object, its id as a string, or an object with an Id.</summary>
    private static string WebhookIdOf(object value)
    {
        object item = value is PSObject ps ? ps.BaseObject : value;
        string? id = item switch
        {
            DfnsWebhook webhook => webhook.Id,
            string text => text,
            _ => (value as PSObject ?? PSObject.AsPSObject(item)).Properties["Id"]?.Value as string,
        };

        if (string.IsNullOrWhiteSpace(id))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsWebhookLikeInvalid,
                ErrorKind.InvalidArgument,
                $"-Like takes a webhook (Get-DfnsWebhook output) or a webhook id; a {item.GetType().Name} without an Id was given.",
                item.GetType().Name);
        }

        return id!.Trim();
    }
}
