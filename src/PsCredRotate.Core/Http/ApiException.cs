using System;

namespace PsCredRotate.Core.Http;

/// <summary>
/// A provider API call that did not succeed, after the HTTP pipeline's own retries. The ErrorId
/// says which outcome (<see cref="ErrorIds.ApiBadRequest"/>, <see cref="ErrorIds.InsufficientScope"/>,
/// <see cref="ErrorIds.ClientNotFound"/>, <see cref="ErrorIds.RateLimited"/>, <see cref="ErrorIds.ApiServerError"/>,
/// <see cref="ErrorIds.ApiUnreachable"/>, …); the provider's own status, error code and message are
/// kept (they never hold secrets), and so is the inner exception.
/// </summary>
public sealed class ApiException : PsCredRotateException
{
    public ApiException(
        string errorId,
        ErrorKind kind,
        string message,
        string method,
        string path,
        int? statusCode,
        string? providerErrorCode,
        string? providerMessage,
        object? target = null,
        Exception? innerException = null)
        : base(errorId, kind, message, target, innerException)
    {
        Method = method;
        Path = path;
        StatusCode = statusCode;
        ProviderErrorCode = providerErrorCode;
        ProviderMessage = providerMessage;
    }

    /// <summary>HTTP method of the failed call.</summary>
    public string Method { get; }

    /// <summary>Path of the failed call (no query string).</summary>
    public string Path { get; }

    /// <summary>The HTTP status; null when no response arrived (network failure, timeout).</summary>
    public int? StatusCode { get; }

    /// <summary>The provider's error code (Auth0 <c>errorCode</c>, OAuth <c>error</c>).</summary>
    public string? ProviderErrorCode { get; }

    /// <summary>The provider's message (Auth0 <c>message</c>).</summary>
    public string? ProviderMessage { get; }

    /// <summary>
    /// True when the outcome says nothing about whether the change happened or a retry may succeed:
    /// no response, 429, or 5xx. The engine then reads server state again before deciding.
    /// </summary>
    public bool IsTransient => StatusCode is null || StatusCode == 429 || StatusCode >= 500;
}
