using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.Auth0;

/// <summary>An Auth0 connection over a fake handler: the token endpoint answers, every other route is the test's.</summary>
internal sealed class FakeTenant : IDisposable
{
    public const string Domain = "tenant.example.com";
    public const string ClientId = "mgmt-client";
    public const string Secret = "mgmt-secret-value";

    private int _tokens;

    public FakeTenant(Func<HttpRequestMessage, HttpResponseMessage?> api, Func<HttpRequestMessage, int, HttpResponseMessage?>? token = null)
    {
        Handler = new FakeHandler((request, _) =>
        {
            if (request.RequestUri!.AbsolutePath == "/oauth/token")
            {
                int n = Interlocked.Increment(ref _tokens);
                return token?.Invoke(request, n) ?? FakeHandler.Json(HttpStatusCode.OK, $"{{\"access_token\":\"token-{n}\",\"expires_in\":86400,\"scope\":\"read:clients update:clients\",\"token_type\":\"Bearer\"}}");
            }

            return api(request) ?? FakeHandler.Auth0Error(404, "Not Found");
        });
        Connection = Auth0Connection.Create(new Auth0ConnectionOptions
        {
            Domain = Domain,
            ClientId = ClientId,
            ClientSecret = SecureStrings.FromString(Secret),
            Handler = Handler,
            Clock = () => Now,
            MaxRetries = 1,
        });
    }

    public FakeHandler Handler { get; }

    public Auth0Connection Connection { get; }

    public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public int TokenRequests => Volatile.Read(ref _tokens);

    /// <summary>Management API calls (everything but the token endpoint), as "METHOD path?query".</summary>
    public string[] ApiCalls => Handler.Requests.Where(r => r.Uri.AbsolutePath != "/oauth/token").Select(r => r.Method + " " + r.Uri.PathAndQuery).ToArray();

    public static HttpResponseMessage Ok(string json) => FakeHandler.Json(HttpStatusCode.OK, json);

    public static bool Is(HttpRequestMessage request, string method, string path) =>
        request.Method.Method == method && request.RequestUri!.AbsolutePath == path;

    public void Dispose() => Connection.Dispose();
}
