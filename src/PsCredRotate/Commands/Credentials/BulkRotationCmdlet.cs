using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// A rotation cmdlet that takes many clients from the pipeline: items are collected, then run in
/// EndProcessing with -ThrottleLimit at a time on one connection, with Write-Progress, one result
/// per client and one non-terminating error per failed client.
/// </summary>
public abstract class BulkRotationCmdlet : ClientCredentialCmdlet
{
    private const int ProgressActivityId = 1;

    /// <summary>How many clients are rotated at once (one shared rate-limit budget).</summary>
    [Parameter]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>
    /// Runs <paramref name="operation"/> for every item; each result is written as it finishes. A
    /// ThrottleLimit below 1 stops the command before any call (ThrottleLimitInvalid).
    /// </summary>
    protected void RunBulk<TItem>(
        IReadOnlyList<TItem> items,
        Func<TItem, string> clientIdOf,
        Func<TItem, CancellationToken, Task<ClientCredentialRotation>> operation,
        string activity)
    {
        int total = items.Count;
        int finished = 0;
        void Progress(string clientId)
        {
            finished++;
            WriteProgress(new ProgressRecord(ProgressActivityId, activity, $"{finished} of {total} clients")
            {
                CurrentOperation = $"client '{clientId}'",
                PercentComplete = total == 0 ? 100 : finished * 100 / total,
            });
        }

        try
        {
            Await(async ct =>
            {
                await BoundedParallel.RunAsync(
                    items,
                    ThrottleLimit,
                    operation,
                    (item, rotation) => Dispatcher.Invoke(() =>
                    {
                        Progress(clientIdOf(item));
                        WriteObject(rotation);
                    }),
                    (item, failure) => Dispatcher.Invoke(() =>
                    {
                        Progress(clientIdOf(item));
                        WriteError(ErrorRecords.FromAny(failure, clientIdOf(item)));
                    }),
                    ct).ConfigureAwait(false);
                return true;
            });
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }

        if (total > 0)
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, activity, $"{finished} of {total} clients") { RecordType = ProgressRecordType.Completed });
        }
    }
}
