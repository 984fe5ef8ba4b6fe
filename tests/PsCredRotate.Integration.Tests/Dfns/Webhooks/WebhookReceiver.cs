using System.Collections.Concurrent;
using System.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PsCredRotate.Core.Dfns.Webhooks;

namespace PsCredRotate.Integration.Tests.Dfns.Webhooks;

/// <summary>One delivery the receiver got: the raw body and header as received, and its verdict.</summary>
internal sealed record WebhookDelivery(byte[] Body, string? Signature, WebhookSignatureResult Result);

/// <summary>
/// A webhook receiver as a user would write one, on 127.0.0.1 over real HTTP: it reads the raw body,
/// checks it with Core's <see cref="WebhookSignatureVerifier"/> against the secrets it currently
/// accepts (both during a switch), answers 200 to an authentic, fresh event and 401 to anything else,
/// and records every delivery.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const string EventsPath = "/dfns/events";

    private readonly WebApplication _app;
    private volatile SecureString[] _secrets = Array.Empty<SecureString>();

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(new Uri(address), EventsPath);
    }

    /// <summary>Where Dfns (the emulator) posts events: http://127.0.0.1:PORT/dfns/events.</summary>
    public Uri Url { get; }

    public ConcurrentQueue<WebhookDelivery> Deliveries { get; } = new();

    /// <summary>The receiver's clock (default: the real time).</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public WebhookDelivery Last => Deliveries.Last();

    public static async Task<WebhookReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost(EventsPath, async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            byte[] body = buffer.ToArray();
            string? signature = http.Request.Headers[WebhookSignatureVerifier.HeaderName].FirstOrDefault();
            WebhookSignatureResult result = WebhookSignatureVerifier.Verify(body, signature, receiver!._secrets, receiver.Clock(), WebhookSignatureVerifier.DefaultMaxAge);
            receiver.Deliveries.Enqueue(new WebhookDelivery(body, signature, result));
            return result.IsValid ? Results.Ok() : Results.Unauthorized();
        });
        await app.StartAsync();
        receiver = new WebhookReceiver(app);
        return receiver;
    }

    /// <summary>From now on the receiver accepts events signed with any of these secrets.</summary>
    public void Accept(params SecureString[] secrets) => _secrets = secrets;

    /// <summary>Posts a body with a signature header to the receiver, as an attacker or a replay would; returns the status.</summary>
    public async Task<int> PostAsync(byte[] body, string? signature)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookSignatureVerifier.HeaderName, signature);
        }

        using HttpResponseMessage response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
