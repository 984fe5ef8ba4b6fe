using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Inventory;

/// <summary>
/// "What expires in the next N days": reads every source, keeps what expires within the window
/// (already expired included), soonest first.
/// </summary>
public sealed class ExpiryInventory
{
    private readonly IReadOnlyList<IExpirySource> _sources;
    private readonly Func<DateTimeOffset> _clock;

    public ExpiryInventory(IEnumerable<IExpirySource> sources, Func<DateTimeOffset>? clock = null)
    {
        _sources = (sources ?? throw new ArgumentNullException(nameof(sources))).ToList();
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>The sources read, in order.</summary>
    public IReadOnlyList<IExpirySource> Sources => _sources;

    /// <summary>Throws <see cref="ErrorIds.ExpiryWindowInvalid"/> for a negative window; no call is made.</summary>
    public static void ValidateWindow(TimeSpan within)
    {
        if (within < TimeSpan.Zero)
        {
            throw new PsCredRotateException(
                ErrorIds.ExpiryWindowInvalid,
                ErrorKind.InvalidArgument,
                $"The window {within} is negative. Give how far ahead to look, for example -Within 30 (days) or -Within (New-TimeSpan -Days 30).",
                within);
        }
    }

    public async Task<IReadOnlyList<ExpiringCredential>> FindAsync(TimeSpan within, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ValidateWindow(within);
        DateTimeOffset now = _clock();
        DateTimeOffset horizon = now + within;
        var found = new List<ExpiringCredential>();
        foreach (IExpirySource source in _sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<ExpiringCredential> items = await source.ReadAsync(now, progress, cancellationToken).ConfigureAwait(false);
            found.AddRange(items.Where(i => i.ExpiresAt <= horizon));
        }

        return found
            .OrderBy(i => i.ExpiresAt)
            .ThenBy(i => i.Source)
            .ThenBy(i => i.ClientId ?? i.ConnectionId, StringComparer.Ordinal)
            .ThenBy(i => i.Kid, StringComparer.Ordinal)
            .ToList();
    }
}
