using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;

namespace PsCredRotate.Core.Http;

/// <summary>Settings of one <see cref="HttpPipeline"/>.</summary>
internal sealed class HttpPipelineOptions
{
    public HttpMessageHandler? Handler { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 4;

    public double? MaxRequestsPerSecond { get; set; }

    public Func<DateTimeOffset>? Clock { get; set; }

    /// <summary>Test hook: how the pipeline waits (backoff, rate-limit pauses).</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; set; }

    /// <summary>Test hook: a number in [0, 1) for backoff jitter.</summary>
    public Func<double>? Jitter { get; set; }

    /// <summary>First backoff step; doubled per retry.</summary>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The one HTTP path of every provider call: user agent, per-request timeout, the shared
/// rate-limit gate, retries with jittered exponential backoff (429 always; 5xx, timeouts and
/// network failures only for idempotent calls or when nothing was sent), every failure mapped to
/// an <see cref="ApiException"/>, and a Verbose line per call plus redacted Debug detail written to
/// <see cref="OperationLog.Current"/>. Thread-safe.
/// </summary>
internal sealed class HttpPipeline : IDisposable
{
    private static readonly string Version = ReadVersion();

    private readonly HttpClient _client;
    private readonly Uri _baseUri;
    private readonly TimeSpan _timeout;
    private readonly int _maxRetries;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<double> _jitter;
    private readonly TimeSpan _backoffBase;
    private readonly TimeSpan _backoffMax;
    private readonly Random _random = new();

    public HttpPipeline(Uri baseUri, HttpPipelineOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        _baseUri = baseUri ?? throw new ArgumentNullException(nameof(baseUri));
        _timeout = options.Timeout > TimeSpan.Zero ? options.Timeout : throw new ArgumentOutOfRangeException(nameof(options), "The timeout must be positive.");
        _maxRetries = Math.Max(0, options.MaxRetries);
        _clock = options.Clock ?? (() => DateTimeOffset.UtcNow);
        _delay = options.Delay ?? ((wait, ct) => Task.Delay(wait, ct));
        _jitter = options.Jitter ?? NextRandom;
        _backoffBase = options.BackoffBase;
        _backoffMax = options.BackoffMax;
        _client = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        Gate = new RateLimitGate(_clock, _delay, options.MaxRequestsPerSecond);
    }

    /// <summary>The User-Agent every request carries.</summary>
    public static string UserAgent => "PsCredRotate/" + Version;

    public Uri BaseUri => _baseUri;

    /// <summary>The rate-limit budget shared by the calls flagged <see cref="ApiRequest.RateLimited"/>.</summary>
    public RateLimitGate Gate { get; }

    public Func<DateTimeOffset> Clock => _clock;

    /// <summary>Sends the request (retrying as allowed) and returns the 2xx answer, else throws <see cref="ApiException"/>.</summary>
    public async Task<ApiResponse> SendAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        IOperationLog log = OperationLog.Current;
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Attempt result = await SendOnceAsync(request, log, cancellationToken).ConfigureAwait(false);
            if (result.Response is not null)
            {
                return result.Response;
            }

            ApiException error = result.Error!;
            bool retryable = error.StatusCode == 429
                || (result.NotSent)
                || (request.Idempotent && error.IsTransient);
            if (!retryable || attempt >= _maxRetries)
            {
                throw error;
            }

            TimeSpan wait = WaitBeforeRetry(request, attempt, error, result.RateLimit);
            log.Verbose(string.Format(
                CultureInfo.InvariantCulture,
                "{0} {1}: {2}; retry {3} of {4} in {5} ms.",
                request.Method.Method,
                request.Path,
                error.StatusCode is int status ? "HTTP " + status.ToString(CultureInfo.InvariantCulture) : error.ErrorId,
                attempt + 1,
                _maxRetries,
                (long)wait.TotalMilliseconds));
            if (wait > TimeSpan.Zero)
            {
                await _delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Exponential backoff with jitter: attempt n waits between half and all of base·2ⁿ (capped).</summary>
    internal TimeSpan Backoff(int attempt)
    {
        double full = Math.Min(_backoffMax.TotalMilliseconds, _backoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(full * (0.5 + (0.5 * _jitter())));
    }

    private TimeSpan WaitBeforeRetry(ApiRequest request, int attempt, ApiException error, RateLimitHeaders? headers)
    {
        if (error.StatusCode == 429)
        {
            if (request.RateLimited)
            {
                // The gate holds every caller of the connection until the server's wait is over.
                return TimeSpan.Zero;
            }

            TimeSpan? told = headers?.RetryAfter ?? (headers?.Reset is DateTimeOffset reset ? reset - _clock() : null);
            if (told is TimeSpan t && t > TimeSpan.Zero)
            {
                return t > RateLimitGate.MaxWait ? RateLimitGate.MaxWait : t;
            }
        }
        else if (headers?.RetryAfter is TimeSpan retryAfter && retryAfter > TimeSpan.Zero)
        {
            return retryAfter > _backoffMax ? _backoffMax : retryAfter;
        }

        return Backoff(attempt);
    }

    private async Task<Attempt> SendOnceAsync(ApiRequest request, IOperationLog log, CancellationToken cancellationToken)
    {
        string? token = request.BearerToken is null ? null : await request.BearerToken(cancellationToken).ConfigureAwait(false);
        using var message = new HttpRequestMessage(request.Method, new Uri(_baseUri, request.PathAndQuery.TrimStart('/')));
        message.Headers.UserAgent.Add(new ProductInfoHeaderValue("PsCredRotate", Version));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var header in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        message.Content = request.Content?.Invoke();
        bool debug = log is not NullOperationLog;
        if (debug)
        {
            log.Debug(await DescribeRequestAsync(request, message).ConfigureAwait(false));
        }

        RateLimitGate.Ticket? ticket = request.RateLimited ? await Gate.AcquireAsync(cancellationToken).ConfigureAwait(false) : null;
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Release(ticket);
            log.Verbose($"{request.Method.Method} {request.Path}: no answer in {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
            return new Attempt(null, ApiErrors.Timeout(request, _timeout, ex), null, notSent: false);
        }
        catch (OperationCanceledException)
        {
            Release(ticket);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.IO.IOException)
        {
            Release(ticket);
            bool notSent = NothingWasSent(ex);
            log.Verbose($"{request.Method.Method} {request.Path}: no answer ({ex.GetBaseException().Message}).");
            return new Attempt(null, ApiErrors.Unreachable(request, _baseUri, ex), null, notSent);
        }
        catch
        {
            // Whatever else went wrong, the reservation must not stay taken.
            Release(ticket);
            throw;
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            RateLimitHeaders? rateLimit = RateLimitHeaders.Read(response.Headers, _clock());
            if (ticket is not null)
            {
                Gate.Complete(ticket, rateLimit, rateLimited: status == 429, answered: true);
            }

            string? mediaType = response.Content?.Headers.ContentType?.MediaType;
            log.Verbose(string.Format(
                CultureInfo.InvariantCulture,
                "{0} {1} → {2} in {3} ms{4}.",
                request.Method.Method,
                request.Path,
                status,
                watch.ElapsedMilliseconds,
                rateLimit?.Remaining is int left ? $" (rate limit: {left.ToString(CultureInfo.InvariantCulture)} of {rateLimit.Limit?.ToString(CultureInfo.InvariantCulture) ?? "?"} left)" : string.Empty));
            if (debug)
            {
                log.Debug(DescribeResponse(request, response, mediaType, body));
            }

            if (status >= 200 && status < 300)
            {
                return new Attempt(new ApiResponse(status, body, mediaType, rateLimit), null, rateLimit, notSent: false);
            }

            return new Attempt(null, ApiErrors.FromStatus(request, ApiErrors.ParseBody(status, body)), rateLimit, notSent: false);
        }
    }

    private void Release(RateLimitGate.Ticket? ticket)
    {
        if (ticket is not null)
        {
            Gate.Complete(ticket, null, rateLimited: false);
        }
    }

    /// <summary>True when the failure happened before the request left (refused connection, unknown host): safe to repeat any call.</summary>
    private static bool NothingWasSent(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                    or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData or SocketError.AddressNotAvailable;
            }
        }

        return false;
    }

    private static async Task<string> DescribeRequestAsync(ApiRequest request, HttpRequestMessage message)
    {
        var text = new StringBuilder();
        text.Append(request.Method.Method).Append(' ').Append(message.RequestUri?.GetLeftPart(UriPartial.Path));
        if (message.RequestUri?.Query is { Length: > 1 } query)
        {
            text.Append(Redaction.Form(query.Substring(1)).Insert(0, "?"));
        }

        foreach (var header in message.Headers)
        {
            text.Append('\n').Append(header.Key).Append(": ").Append(Redaction.Header(header.Key, string.Join(", ", header.Value)));
        }

        if (message.Content is not null)
        {
            string body = request.LoggableContent?.Invoke()
                ?? Redaction.Body(message.Content.Headers.ContentType?.MediaType, await message.Content.ReadAsStringAsync().ConfigureAwait(false));
            text.Append('\n').Append(body);
        }

        return text.ToString();
    }

    private static string DescribeResponse(ApiRequest request, HttpResponseMessage response, string? mediaType, string body)
    {
        var text = new StringBuilder();
        text.Append(request.Method.Method).Append(' ').Append(request.Path).Append(" → ").Append(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        foreach (var header in response.Headers.Where(h => h.Key.StartsWith("x-ratelimit", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)))
        {
            text.Append('\n').Append(header.Key).Append(": ").Append(string.Join(", ", header.Value));
        }

        if (body.Length > 0)
        {
            text.Append('\n').Append(Redaction.Body(mediaType, body));
        }

        return text.ToString();
    }

    private double NextRandom()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    private static string ReadVersion()
    {
        Assembly assembly = typeof(HttpPipeline).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (string.IsNullOrEmpty(version))
        {
            return "0.0.0";
        }

        int plus = version!.IndexOf('+');
        return plus > 0 ? version.Substring(0, plus) : version;
    }

    private sealed class Attempt
    {
        public Attempt(ApiResponse? response, ApiException? error, RateLimitHeaders? rateLimit, bool notSent)
        {
            Response = response;
            Error = error;
            RateLimit = rateLimit;
            NotSent = notSent;
        }

        public ApiResponse? Response { get; }

        public ApiException? Error { get; }

        public RateLimitHeaders? RateLimit { get; }

        public bool NotSent { get; }
    }
}
