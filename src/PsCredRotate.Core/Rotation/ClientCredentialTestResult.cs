using System;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// The outcome of a real token request signed with a key (Test-ClientCredential, and every
/// verification in a rotation). The access token itself is never kept: only the facts.
/// </summary>
public sealed class ClientCredentialTestResult
{
    public ClientCredentialTestResult(
        string clientId,
        string kid,
        string? audience,
        bool success,
        DateTimeOffset? expiresAt,
        int? statusCode,
        string? error,
        string? errorDescription,
        DateTimeOffset testedAt)
    {
        ClientId = clientId;
        Kid = kid;
        Audience = audience;
        Success = success;
        ExpiresAt = expiresAt;
        StatusCode = statusCode;
        Error = error;
        ErrorDescription = errorDescription;
        TestedAt = testedAt;
    }

    public string ClientId { get; }

    /// <summary>The kid of the key that signed the assertion.</summary>
    public string Kid { get; }

    public string? Audience { get; }

    /// <summary>True when the token endpoint issued an access token.</summary>
    public bool Success { get; }

    /// <summary>When the issued access token expires (from expires_in); null on failure.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The token endpoint's HTTP status (null when it could not be reached).</summary>
    public int? StatusCode { get; }

    /// <summary>The OAuth error code (invalid_client, access_denied, …) or a transport failure.</summary>
    public string? Error { get; }

    public string? ErrorDescription { get; }

    public DateTimeOffset TestedAt { get; }

    public override string ToString() => Success
        ? $"client '{ClientId}' kid {Kid}: token issued"
        : $"client '{ClientId}' kid {Kid}: {Error}: {ErrorDescription}";
}
