using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.Tests.Infrastructure;
using static PsCredRotate.Emulator.Tests.Operations.OpsFixture;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class RateLimitTests
{
    private const string TooManyBody = "{\"statusCode\":429,\"error\":\"Too Many Requests\",\"message\":\"Global limit has been reached\",\"errorCode\":\"too_many_requests\"}";

    [Fact]
    public async Task With_limiting_off_every_Management_response_reports_the_documented_limit()
    {
        await using RunningEmulator emulator = await StartAsync();
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/ping", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("50", Header(ok, "x-ratelimit-limit"));
            Assert.Equal("49", Header(ok, "x-ratelimit-remaining"));
            long reset = long.Parse(Header(ok, "x-ratelimit-reset"), CultureInfo.InvariantCulture);
            Assert.InRange(reset, UnixNow(emulator) - 5, UnixNow(emulator) + 5);
        }
    }

    [Fact]
    public async Task The_reported_limit_is_configurable()
    {
        Assert.Equal(15, EmulatorOptions.Parse(new[] { "--rate-report-limit", "15" }).RateReportLimit);
        await using RunningEmulator emulator = await StartAsync(o => o.RateReportLimit = 15);
        using HttpResponseMessage ok = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/ping", UriKind.Relative));
        Assert.Equal("15", Header(ok, "x-ratelimit-limit"));
        Assert.Equal("14", Header(ok, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task Unknown_Management_routes_and_errors_carry_the_headers_too_but_other_APIs_do_not()
    {
        await using RunningEmulator emulator = await StartAsync();
        using HttpResponseMessage missing = await emulator.Client.GetAsync(new Uri("api/v2/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("50", Header(missing, "x-ratelimit-limit"));

        using HttpResponseMessage crash = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/throw", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, crash.StatusCode);
        Assert.Equal("50", Header(crash, "x-ratelimit-limit"));

        using HttpResponseMessage other = await emulator.Client.GetAsync(new Uri(".well-known/nothing-here", UriKind.Relative));
        Assert.Equal("", Header(other, "x-ratelimit-limit"));
    }

    [Fact]
    public async Task An_empty_bucket_answers_Auth0s_429_and_the_refused_write_is_not_applied()
    {
        // One token per 1000 s: nothing refills while the test runs, only clock moves do.
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.001;
            o.RateLimitBurst = 3;
        });
        long now = UnixNow(emulator);
        for (int expectedRemaining = 2; expectedRemaining >= 0; expectedRemaining--)
        {
            using HttpResponseMessage ok = await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"n" + expectedRemaining + "\"}");
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
            Assert.Equal("3", Header(ok, "x-ratelimit-limit"));
            Assert.Equal(expectedRemaining.ToString(CultureInfo.InvariantCulture), Header(ok, "x-ratelimit-remaining"));
        }

        using HttpResponseMessage refused = await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"refused\"}");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TooManyBody, await refused.Content.ReadAsStringAsync());
        Assert.Equal("3", Header(refused, "x-ratelimit-limit"));
        Assert.Equal("0", Header(refused, "x-ratelimit-remaining"));

        // The bucket is full again 3 tokens x 1000 s from now.
        long reset = long.Parse(Header(refused, "x-ratelimit-reset"), CultureInfo.InvariantCulture);
        Assert.InRange(reset, now + 2990, now + 3010);

        List<string> items = emulator.App.Services.GetRequiredService<State.StateStore<OpsState>>().Read(s => s.Items.ToList());
        Assert.Equal(new[] { "seeded", "n2", "n1", "n0" }, items);
    }

    [Fact]
    public async Task Moving_the_clock_forward_refills_the_bucket_and_moving_it_back_does_not()
    {
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.001;
            o.RateLimitBurst = 2;
            o.Admin = true;
        });
        var ping = new Uri("api/v2/ops-test/ping", UriKind.Relative);
        (await emulator.Client.GetAsync(ping)).Dispose();
        (await emulator.Client.GetAsync(ping)).Dispose();
        using (HttpResponseMessage empty = await emulator.Client.GetAsync(ping))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, empty.StatusCode);
        }

        (await PostJsonAsync(emulator.Client, "_emulator/clock", "{\"advanceSeconds\":-5000}")).Dispose();
        using (HttpResponseMessage stillEmpty = await emulator.Client.GetAsync(ping))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillEmpty.StatusCode);
        }

        // Back past the latest instant the bucket saw, and 1000 s further: exactly one token.
        (await PostJsonAsync(emulator.Client, "_emulator/clock", "{\"advanceSeconds\":6000}")).Dispose();
        using (HttpResponseMessage one = await emulator.Client.GetAsync(ping))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            Assert.Equal("0", Header(one, "x-ratelimit-remaining"));
        }

        using HttpResponseMessage emptyAgain = await emulator.Client.GetAsync(ping);
        Assert.Equal(HttpStatusCode.TooManyRequests, emptyAgain.StatusCode);
    }

    [Fact]
    public async Task The_token_endpoint_has_no_bucket_of_its_own()
    {
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.001;
            o.RateLimitBurst = 1;
        });
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage token = await emulator.Client.PostAsync(new Uri("oauth/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>()));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, token.StatusCode);
            Assert.Equal("", Header(token, "x-ratelimit-limit"));
        }
    }

    [Fact]
    public async Task A_429_from_the_bucket_says_in_Retry_After_how_many_seconds_until_the_next_token()
    {
        // Two seconds per token, one in the bucket: the second request finds it empty.
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 0.5;
            o.RateLimitBurst = 1;
        });
        var ping = new Uri("api/v2/ops-test/ping", UriKind.Relative);
        using (HttpResponseMessage ok = await emulator.Client.GetAsync(ping))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Null(ok.Headers.RetryAfter);
        }

        using HttpResponseMessage refused = await emulator.Client.GetAsync(ping);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task An_injected_429_on_the_Management_API_carries_Retry_After_too()
    {
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.RateLimitPerSecond = 10;
            o.RateLimitBurst = 20;
            o.Admin = true;
        });
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /api/v2/**\",\"kind\":\"status429\",\"count\":1}]")).Dispose();

        using HttpResponseMessage refused = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/ping", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Header(refused, "x-ratelimit-remaining"));
    }

    [Fact]
    public void The_bucket_defaults_its_burst_to_the_rate()
    {
        var clock = new EmulatorClock();
        var limiter = new ManagementRateLimiter(new EmulatorOptions { RateLimitPerSecond = 2.5 }, clock);
        clock.Set(DateTimeOffset.UtcNow.AddYears(1));
        limiter.Refill();
        Assert.Equal(3, limiter.Take().Limit);
        Assert.True(limiter.Take().Allowed);
        Assert.True(limiter.Take().Allowed);
        clock.Advance(TimeSpan.FromSeconds(-10));
        Assert.False(limiter.Take().Allowed);
    }
}
