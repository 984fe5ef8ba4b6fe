using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.Tests.Infrastructure;
using static PsCredRotate.Emulator.Tests.Operations.OpsFixture;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class RequestHygieneTests
{
    private const string TooLarge = "{\"statusCode\":413,\"error\":\"Payload Too Large\",\"message\":\"Payload content length greater than maximum allowed: 1048576\",\"errorCode\":\"payload_too_large\"}";
    private const string NotFound = "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}";
    private const string Internal = "{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"An internal server error occurred\"}";

    private static readonly Uri Items = new("api/v2/ops-test/items", UriKind.Relative);
    private static readonly Uri Count = new("api/v2/ops-test/count", UriKind.Relative);

    /// <summary>A body of unknown length (chunked), so only the limit enforced while reading can stop it.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly long _length;

        public ChunkedContent(long length, string mediaType)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            for (long sent = 0; sent < _length; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, _length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task A_body_declared_over_1_MB_is_refused_with_413_before_the_handler_runs()
    {
        await using RunningEmulator emulator = await StartAsync();
        using var content = new ByteArrayContent(new byte[(1024 * 1024) + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage refused = await emulator.Client.PostAsync(Items, content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(TooLarge, await refused.Content.ReadAsStringAsync());
        Assert.Equal("50", Header(refused, "x-ratelimit-limit"));
    }

    [Fact]
    public async Task A_body_of_exactly_1_MB_is_read()
    {
        await using RunningEmulator emulator = await StartAsync();
        using var content = new ByteArrayContent(new byte[1024 * 1024]);
        using HttpResponseMessage ok = await emulator.Client.PostAsync(Count, content);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("{\"bytes\":1048576}", await ok.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("api/v2/ops-test/count")]
    [InlineData("api/v2/ops-test/items")]
    public async Task A_chunked_body_over_1_MB_is_stopped_while_reading_with_413(string path)
    {
        await using RunningEmulator emulator = await StartAsync();
        using var content = new ChunkedContent(3 * 1024 * 1024, "application/json");
        using HttpResponseMessage refused = await emulator.Client.PostAsync(new Uri(path, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(TooLarge, await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unexpected_exception_gives_Auth0s_500_without_any_of_its_text()
    {
        await using RunningEmulator emulator = await StartAsync();
        using HttpResponseMessage failed = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/throw", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        string body = await failed.Content.ReadAsStringAsync();
        Assert.Equal(Internal, body);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "api/v2/nothing-here")]
    [InlineData("GET", "no/such/path.json")]
    [InlineData("DELETE", "api/v2/ops-test/ping")]
    [InlineData("PUT", "api/v2/ops-test/items")]
    public async Task Unknown_routes_and_methods_get_Auth0s_404(string method, string path)
    {
        await using RunningEmulator emulator = await StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using HttpResponseMessage response = await emulator.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(NotFound, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(400, "{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"Bad Request\",\"errorCode\":\"invalid_body\"}")]
    [InlineData(403, "{\"statusCode\":403,\"error\":\"Forbidden\",\"message\":\"Forbidden\"}")]
    [InlineData(409, "{\"statusCode\":409,\"error\":\"Conflict\",\"message\":\"Conflict\"}")]
    public async Task An_error_status_without_a_body_gets_an_Auth0_body(int status, string expected)
    {
        await using RunningEmulator emulator = await StartAsync();
        using HttpResponseMessage response = await emulator.Client.GetAsync(new Uri($"api/v2/ops-test/empty-status/{status}", UriKind.Relative));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
