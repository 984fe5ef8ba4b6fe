using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Text;
using PsCredRotate.Core.Diagnostics;

namespace PsCredRotate.Core.Tests.Http;

/// <summary>A scripted HttpMessageHandler: answers each request with the next responder's answer and records what it saw.</summary>
internal sealed class FakeHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, Task<HttpResponseMessage>> _respond;
    private int _count;

    public FakeHandler(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> respond) => _respond = respond;

    public FakeHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond)
        : this((request, index) => Task.FromResult(respond(request, index)))
    {
    }

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public int Count => Volatile.Read(ref _count);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(response);
        return response;
    }

    public static HttpResponseMessage Auth0Error(int status, string message, string? errorCode = null) =>
        Json((HttpStatusCode)status, errorCode is null
            ? $"{{\"statusCode\":{status},\"error\":\"x\",\"message\":\"{message}\"}}"
            : $"{{\"statusCode\":{status},\"error\":\"x\",\"message\":\"{message}\",\"errorCode\":\"{errorCode}\"}}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new Recorded(request.Method.Method, request.RequestUri!, request.Headers.ToString(), request.Headers.Authorization?.ToString(), request.Headers.UserAgent.ToString(), body));
        Task<HttpResponseMessage> answer = _respond(request, index);
        await Task.WhenAny(answer, Task.Delay(Timeout.Infinite, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        return await answer;
    }

    internal sealed record Recorded(string Method, Uri Uri, string Headers, string? Authorization, string UserAgent, string? Body);
}

/// <summary>An operation log that keeps every line.</summary>
internal sealed class RecordingLog : IOperationLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join("\n", Lines);

    public void Verbose(string message) => Lines.Enqueue("VERBOSE: " + message);

    public void Debug(string message) => Lines.Enqueue("DEBUG: " + message);

    public void Warning(string message) => Lines.Enqueue("WARNING: " + message);
}
