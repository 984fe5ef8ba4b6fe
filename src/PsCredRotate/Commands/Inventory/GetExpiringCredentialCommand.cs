using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Inventory;

namespace PsCredRotate.Commands.Inventory;

/// <summary>
/// Get-ExpiringCredential: everything in the tenant that expires within -Within (already expired
/// included), soonest first: client credentials (expires_at), connection keys and signing keys
/// (certificate NotAfter). Reads every client and keyed connection within the connection's rate
/// limit, with progress.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ExpiringCredential")]
[OutputType(typeof(ExpiringCredential))]
public sealed class GetExpiringCredentialCommand : Auth0ConnectedCmdlet
{
    private const int ProgressActivityId = 1;
    private const string Activity = "Reading credential expiries";

    /// <summary>How far ahead to look: a TimeSpan, or a number of days.</summary>
    [Parameter(Position = 0, HelpMessage = "How far ahead to look: days (30) or a TimeSpan.")]
    [DaysOrTimeSpan]
    public TimeSpan Within { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Only these kinds.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public ExpiringCredentialSource[]? Source { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            ExpiryInventory.ValidateWindow(Within);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        Auth0Connection connection = Tenant;

        IEnumerable<IExpirySource> sources = new IExpirySource[]
        {
            new Auth0ClientCredentialExpirySource(connection),
            new Auth0ConnectionKeyExpirySource(connection),
            new Auth0SigningKeyExpirySource(connection),
        };
        if (Source is { Length: > 0 } wanted)
        {
            sources = sources.Where(s => wanted.Contains(s.Source));
        }

        var inventory = new ExpiryInventory(sources);
        var progress = new PostedProgress<string>(Dispatcher, status => WriteProgress(new ProgressRecord(ProgressActivityId, Activity, status)));
        if (TryAwait(ct => inventory.FindAsync(Within, progress, ct), connection.Domain, out IReadOnlyList<ExpiringCredential> found))
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, Activity, $"{found.Count} found") { RecordType = ProgressRecordType.Completed });
            WriteObject(found, enumerateCollection: true);
        }
    }
}
