using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Inventory;

/// <summary>One kind of expiring credential the inventory reads from a provider (every one with an expiry).</summary>
public interface IExpirySource
{
    ExpiringCredentialSource Source { get; }

    /// <summary>
    /// Every credential of this kind that has an expiry, with <see cref="ExpiringCredential.DaysLeft"/>
    /// counted from <paramref name="now"/>. <paramref name="progress"/> gets a line of what is being read.
    /// </summary>
    Task<IReadOnlyList<ExpiringCredential>> ReadAsync(DateTimeOffset now, IProgress<string>? progress, CancellationToken cancellationToken);
}
