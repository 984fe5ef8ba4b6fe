using System;
using System.Globalization;
using System.Management.Automation;

namespace PsCredRotate.Commands;

/// <summary>
/// Write-Progress for a cmdlet that takes its items one at a time (from the pipeline or an array
/// parameter), so the total is not known: "Item n: …" from the second item on (a single call
/// stays quiet), and the Completed record in EndProcessing. Used on the pipeline thread only.
/// </summary>
internal sealed class ItemProgress
{
    private readonly Cmdlet _cmdlet;
    private readonly int _activityId;
    private readonly string _activity;
    private int _count;

    public ItemProgress(Cmdlet cmdlet, string activity, int activityId = 1)
    {
        _cmdlet = cmdlet ?? throw new ArgumentNullException(nameof(cmdlet));
        _activity = activity;
        _activityId = activityId;
    }

    /// <summary>How many items were started.</summary>
    public int Count => _count;

    /// <summary>Reports that work on the next item, named by <paramref name="item"/> (an id, never a secret), starts.</summary>
    public void Next(string item)
    {
        _count++;
        if (_count >= 2)
        {
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, "Item " + _count.ToString(CultureInfo.InvariantCulture))
            {
                CurrentOperation = item,
            });
        }
    }

    /// <summary>Ends the progress bar (call from EndProcessing).</summary>
    public void Complete()
    {
        if (_count >= 2)
        {
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _count.ToString(CultureInfo.InvariantCulture) + " done")
            {
                RecordType = ProgressRecordType.Completed,
            });
        }
    }
}
