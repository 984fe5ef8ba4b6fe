using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Tests.Http;

public sealed class HttpPipelineTests
{
    private static readonly Uri Base = new("https://tenant.example.com/");

    private static (HttpPipeline Pipeline, List<TimeSpan> Waits) Create(FakeHandler handler, int maxRetries = 4, TimeSpan? timeout = null)
    {
        var waits = new List<TimeSpan>();
        var pipeline = new HttpPipeline(Base, new HttpPipelineOptions
        {
            Handler = handler,
            MaxRetries = maxRetries,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
            Delay = (wait, ct) =>
            {
                lock (waits)
                {
                    waits.Add(wait);
                }

                return Task.CompletedTask;
            },
            Jitter = () => 0.5,
        });
        return (pipeline, waits);
    }

    private static ApiRequest Get(string path = "/api/v2/clients") => new(HttpMethod.Get, path);

    [Theory]
    [InlineData(400, "ApiBadRequest")]
    [InlineData(401, "ApiUnauthorized")]
    [InlineData(404, "ApiNotFound")]
    [InlineData(409, "ApiConflict")]
    [InlineData(422, "ApiBadRequest")]
    public async Task A_client_error_is_mapped_to_its_error_id_and_not_retried(int status, string errorId)
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(status, "the provider says no", "some_code"));
        (HttpPipeline pipeline, _) = Create(handler);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(Get(), CancellationToken.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal("some_code", ex.ProviderErrorCode);
        Assert.Equal("the provider says no", ex.ProviderMessage);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("/api/v2/clients", ex.Path);
        Assert.Contains("the provider says no", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task A_403_for_a_missing_scope_is_InsufficientScope_naming_the_scope()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(403, "Insufficient scope, expected any of: read:client_grants", "insufficient_scope"));
        (HttpPipeline pipeline, _) = Create(handler);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(Get("/api/v2/client-grants"), CancellationToken.None));

        Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("read:client_grants", ex.Target);
        Assert.Contains("'read:client_grants'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_403_that_names_several_scopes_names_them_all()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(403, "Insufficient scope, expected any of: read:clients, read:client_keys", "insufficient_scope"));
        (HttpPipeline pipeline, _) = Create(handler);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(Get(), CancellationToken.None));

        Assert.Equal(ErrorIds.InsufficientScope, ex.ErrorId);
        Assert.Equal("read:clients read:client_keys", ex.Target);
    }

    [Fact]
    public async Task A_404_uses_the_requests_own_error_id_and_target()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(404, "The client does not exist", "inexistent_client"));
        (HttpPipeline pipeline, _) = Create(handler);
        ApiRequest request = Get("/api/v2/clients/abc");
        request.NotFound = _ => (ErrorIds.ClientNotFound, "abc");

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(request, CancellationToken.None));

        Assert.Equal(ErrorIds.ClientNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("abc", ex.Target);
    }

    [Fact]
    public async Task A_server_error_on_a_GET_is_retried_with_growing_backoff_then_succeeds()
    {
        var handler = new FakeHandler((_, i) => i < 2 ? FakeHandler.Auth0Error(503, "busy") : FakeHandler.Json(HttpStatusCode.OK, "[]"));
        (HttpPipeline pipeline, List<TimeSpan> waits) = Create(handler);

        ApiResponse response = await pipeline.SendAsync(Get(), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(3, handler.Count);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(375), TimeSpan.FromMilliseconds(750) }, waits);
    }

    [Fact]
    public async Task Server_errors_past_the_retries_are_ApiServerError()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(500, "An internal server error occurred"));
        (HttpPipeline pipeline, _) = Create(handler, maxRetries: 2);

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(Get(), CancellationToken.None));

        Assert.Equal(ErrorIds.ApiServerError, ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, handler.Count);
    }

    [Fact]
    public async Task A_POST_is_not_repeated_after_a_server_error()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Auth0Error(500, "An internal server error occurred"));
        (HttpPipeline pipeline, _) = Create(handler);
        var request = new ApiRequest(HttpMethod.Post, "/api/v2/clients/a/credentials") { Content = () => new StringContent("{}") };

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(request, CancellationToken.None));

        Assert.Equal(ErrorIds.ApiServerError, ex.ErrorId);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task A_POST_is_repeated_after_a_429_with_the_wait_the_server_asked_for()
    {
        var handler = new FakeHandler((_, i) => i == 0
            ? FakeHandler.Json((HttpStatusCode)429, "{\"statusCode\":429,\"message\":\"Global limit has been reached\",\"errorCode\":\"too_many_requests\"}", r => r.Headers.Add("Retry-After", "3"))
            : FakeHandler.Json(HttpStatusCode.Created, "{}"));
        (HttpPipeline pipeline, List<TimeSpan> waits) = Create(handler);
        var request = new ApiRequest(HttpMethod.Post, "/oauth/token") { Content = () => new StringContent("{}") };

        ApiResponse response = await pipeline.SendAsync(request, CancellationToken.None);

        Assert.Equal(201, response.StatusCode);
        Assert.Equal(2, handler.Count);
        Assert.Equal(new[] { TimeSpan.FromSeconds(3) }, waits);
    }

    [Fact]
    public async Task A_POST_is_repeated_when_the_connection_was_refused_before_sending()
    {
        var handler = new FakeHandler((_, i) => i == 0
            ? throw new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))
            : FakeHandler.Json(HttpStatusCode.Created, "{}"));
        (HttpPipeline pipeline, _) = Create(handler);
        var request = new ApiRequest(HttpMethod.Post, "/api/v2/clients/a/credentials") { Content = () => new StringContent("{}") };

        ApiResponse response = await pipeline.SendAsync(request, CancellationToken.None);

        Assert.Equal(201, response.StatusCode);
        Assert.Equal(2, handler.Count);
    }

    [Fact]
    public async Task A_POST_is_not_repeated_when_the_connection_broke_after_sending()
    {
        var handler = new FakeHandler((HttpRequestMessage _, int _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("reset", new IOException("connection reset"))));
        (HttpPipeline pipeline, _) = Create(handler);
        var request = new ApiRequest(HttpMethod.Post, "/api/v2/clients/a/credentials") { Content = () => new StringContent("{}") };

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(request, CancellationToken.None));

        Assert.Equal(ErrorIds.ApiUnreachable, ex.ErrorId);
        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_ApiTimeout()
    {
        var handler = new FakeHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            return FakeHandler.Json(HttpStatusCode.OK, "[]");
        });
        (HttpPipeline pipeline, _) = Create(handler, maxRetries: 0, timeout: TimeSpan.FromMilliseconds(100));

        ApiException ex = await Assert.ThrowsAsync<ApiException>(() => pipeline.SendAsync(Get(), CancellationToken.None));

        Assert.Equal(ErrorIds.ApiTimeout, ex.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, ex.Kind);
        Assert.IsAssignableFrom<OperationCanceledException>(ex.InnerException);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_a_timeout()
    {
        var handler = new FakeHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            return FakeHandler.Json(HttpStatusCode.OK, "[]");
        });
        (HttpPipeline pipeline, _) = Create(handler);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.SendAsync(Get(), cts.Token));
    }

    [Fact]
    public async Task Every_request_carries_the_user_agent_and_the_bearer_token()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, "[]"));
        (HttpPipeline pipeline, _) = Create(handler);
        ApiRequest request = Get();
        request.BearerToken = _ => Task.FromResult("tok123");

        await pipeline.SendAsync(request, CancellationToken.None);

        FakeHandler.Recorded sent = Assert.Single(handler.Requests);
        Assert.StartsWith("PsCredRotate/", sent.UserAgent, StringComparison.Ordinal);
        Assert.Equal("Bearer tok123", sent.Authorization);
        Assert.Equal(new Uri("https://tenant.example.com/api/v2/clients"), sent.Uri);
    }

    [Fact]
    public async Task The_debug_log_never_shows_the_token_the_secret_or_the_assertion()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, "{\"access_token\":\"eyJ.secret-token\",\"expires_in\":86400}"));
        (HttpPipeline pipeline, _) = Create(handler);
        var request = new ApiRequest(HttpMethod.Post, "/oauth/token")
        {
            Content = () => new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_secret"] = "s3cr3t-value",
                ["client_assertion"] = "eyJhbGciOi.assertion.sig",
            }),
            BearerToken = _ => Task.FromResult("bearer-value-xyz"),
        };
        var log = new RecordingLog();

        using (OperationLog.Use(log))
        {
            await pipeline.SendAsync(request, CancellationToken.None);
        }

        string all = log.All;
        Assert.Contains("POST", all, StringComparison.Ordinal);
        Assert.Contains("grant_type=client_credentials", all, StringComparison.Ordinal);
        Assert.Contains("VERBOSE: POST /oauth/token → 200", all, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", all, StringComparison.Ordinal);
        Assert.DoesNotContain("assertion.sig", all, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", all, StringComparison.Ordinal);
        Assert.DoesNotContain("bearer-value-xyz", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_in_the_callers_async_flow_gets_the_lines()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, "[]"));
        (HttpPipeline pipeline, _) = Create(handler);
        var first = new RecordingLog();
        var second = new RecordingLog();

        Task a = Task.Run(async () =>
        {
            using (OperationLog.Use(first))
            {
                await pipeline.SendAsync(Get("/api/v2/first"), CancellationToken.None);
            }
        });
        Task b = Task.Run(async () =>
        {
            using (OperationLog.Use(second))
            {
                await pipeline.SendAsync(Get("/api/v2/second"), CancellationToken.None);
            }
        });
        await Task.WhenAll(a, b);

        Assert.Contains("/api/v2/first", first.All, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v2/second", first.All, StringComparison.Ordinal);
        Assert.Contains("/api/v2/second", second.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_2xx_is_returned_with_its_rate_limit_headers()
    {
        var handler = new FakeHandler((_, _) => FakeHandler.Json(HttpStatusCode.OK, "[]", r =>
        {
            r.Headers.Add("x-ratelimit-limit", "50");
            r.Headers.Add("x-ratelimit-remaining", "42");
            r.Headers.Add("x-ratelimit-reset", "1800000000");
        }));
        (HttpPipeline pipeline, _) = Create(handler);
        ApiRequest request = Get();
        request.RateLimited = true;

        ApiResponse response = await pipeline.SendAsync(request, CancellationToken.None);

        Assert.Equal(50, response.RateLimit!.Limit);
        Assert.Equal(42, response.RateLimit.Remaining);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1800000000), response.RateLimit.Reset);
        Assert.Equal(42, pipeline.Gate.Remaining);
    }
}
