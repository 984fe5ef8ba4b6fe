using System;
using System.Net.Http;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>What <see cref="DfnsConnection.Create"/> needs: where, the bearer token, and the credential that signs user actions.</summary>
public sealed class DfnsConnectionOptions
{
    /// <summary>The API root; default https://api.dfns.io. Plain http only on loopback (an emulator).</summary>
    public string? BaseUri { get; set; }

    /// <summary>The service-account or personal-access-token token (Authorization: Bearer).</summary>
    public SecureString? Token { get; set; }

    /// <summary>The credId of the credential whose key signs user actions.</summary>
    public string? CredentialId { get; set; }

    /// <summary>That credential's private key.</summary>
    public RotationKey? Key { get; set; }

    /// <summary>Sent as X-DFNS-APPID when given (older API generations required it).</summary>
    public string? AppId { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 4;

    /// <summary>Test hook: the HTTP handler (a fake in unit tests).</summary>
    public HttpMessageHandler? Handler { get; set; }

    public Func<DateTimeOffset>? Clock { get; set; }
}
