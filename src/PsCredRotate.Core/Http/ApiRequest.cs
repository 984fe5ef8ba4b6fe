using System;
using System.Net.Http;

namespace PsCredRotate.Core.Http;

/// <summary>One logical API call: what the pipeline sends (again on a retry) and how it names failures.</summary>
internal sealed class ApiRequest
{
    public ApiRequest(HttpMethod method, string pathAndQuery)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        PathAndQuery = pathAndQuery ?? throw new ArgumentNullException(nameof(pathAndQuery));
        Idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete
            || method == HttpMethod.Head || method == HttpMethod.Options;
    }

    public HttpMethod Method { get; }

    /// <summary>Relative to the connection's base URI, with the query string.</summary>
    public string PathAndQuery { get; }

    /// <summary>The path without the query, as errors and logs name the call.</summary>
    public string Path
    {
        get
        {
            int query = PathAndQuery.IndexOf('?');
            string path = query < 0 ? PathAndQuery : PathAndQuery.Substring(0, query);
            return path.StartsWith("/", StringComparison.Ordinal) ? path : "/" + path;
        }
    }

    /// <summary>Builds the body for each attempt (a retried token request signs a fresh assertion); null: no body.</summary>
    public Func<HttpContent>? Content { get; set; }

    /// <summary>The body as it may be logged (already redacted by the caller or built from non-secret parts).</summary>
    public Func<string>? LoggableContent { get; set; }

    /// <summary>
    /// Extra request headers (for example Dfns's x-dfns-useraction), sent on every attempt. Their
    /// values are logged through <see cref="Redaction.Header"/>, so name secret ones there.
    /// </summary>
    public System.Collections.Generic.IList<System.Collections.Generic.KeyValuePair<string, string>> Headers { get; } = new System.Collections.Generic.List<System.Collections.Generic.KeyValuePair<string, string>>();

    /// <summary>Gets the bearer token for each attempt; null: no Authorization header.</summary>
    public Func<System.Threading.CancellationToken, System.Threading.Tasks.Task<string>>? BearerToken { get; set; }

    /// <summary>
    /// True when repeating the call cannot do more than doing it once (GET, PUT, DELETE, and PATCHes
    /// that set absolute values). Such calls are retried after 5xx, timeouts and network failures;
    /// others only after 429 or a failure before anything was sent.
    /// </summary>
    public bool Idempotent { get; set; }

    /// <summary>True for calls that count against the tenant's Management API rate limit (the shared gate).</summary>
    public bool RateLimited { get; set; }

    /// <summary>The ErrorId and target of a 404 (default <see cref="ErrorIds.ApiNotFound"/>, target the path).</summary>
    public Func<ApiError, (string ErrorId, object? Target)>? NotFound { get; set; }

    /// <summary>What the call is about, for error targets (a client id); default the path.</summary>
    public object? Target { get; set; }
}

/// <summary>A provider's error body: Auth0's {statusCode, error, message, errorCode}, OAuth's {error, error_description} or Dfns's {error: {message}}.</summary>
internal sealed class ApiError
{
    public ApiError(int statusCode, string? errorCode, string? message)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Message = message;
    }

    public int StatusCode { get; }

    public string? ErrorCode { get; }

    public string? Message { get; }
}
