using System.Collections.Concurrent;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>One request Core sent, as the recorder saw it (never its body or headers: they hold secrets).</summary>
public sealed record RecordedRequest(string Method, string Path, int? Status, bool IsVerification)
{
    /// <summary>A Management API write (POST/PATCH/PUT/DELETE under /api/v2/).</summary>
    public bool IsManagementWrite => Path.StartsWith("/api/v2/", StringComparison.Ordinal) && Method is not "GET" and not "HEAD";

    /// <summary>A call that changes state or proves a key: a Management API write or a token request with a client assertion.</summary>
    public bool IsStep => IsManagementWrite || IsVerification;

    public override string ToString() => $"{Method} {Path} -> {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"}";
}

/// <summary>
/// The handler under Core's HTTP pipeline (<c>Auth0ConnectionOptions.Handler</c>): records every
/// request, and after each answered step (a Management API write or a client-assertion token
/// request) runs <see cref="AfterStep"/>, so a test can read the emulator's state right after each
/// change or cancel the operation at a chosen step.
/// </summary>
public sealed class RequestRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _steps;

    public RequestRecorder()
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
    }

    /// <summary>Runs after each answered step with the step's number (1-based, since the last <see cref="Clear"/>).</summary>
    public Func<RecordedRequest, int, Task>? AfterStep { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public int Count => _requests.Count;

    public int Steps => Volatile.Read(ref _steps);

    public void Clear()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _steps, 0);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool verification = false;
        string path = request.RequestUri?.AbsolutePath ?? "";
        if (path == "/oauth/token" && request.Content is not null)
        {
            // Only whether it carries a client assertion (a key being proven), not the management token request.
            string body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            verification = body.Contains("client_assertion=", StringComparison.Ordinal) || body.Contains("\"client_assertion\"", StringComparison.Ordinal);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _requests.Enqueue(new RecordedRequest(request.Method.Method, path, null, verification));
            throw;
        }

        var recorded = new RecordedRequest(request.Method.Method, path, (int)response.StatusCode, verification);
        _requests.Enqueue(recorded);
        if (recorded.IsStep)
        {
            int step = Interlocked.Increment(ref _steps);
            if (AfterStep is { } after)
            {
                await after(recorded, step).ConfigureAwait(false);
            }
        }

        return response;
    }
}
