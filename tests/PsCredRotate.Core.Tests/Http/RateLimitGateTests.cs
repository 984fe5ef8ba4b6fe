using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Tests.Http;

public sealed class RateLimitGateTests
{
    private static readonly Uri Base = new("https://tenant.example.com/");

    /// <summary>A server-side token bucket answering like Auth0 (x-ratelimit-* on every answer, 429 when empty).</summary>
    private sealed class Bucket
    {
        private readonly object _lock = new();
        private readonly double _rate;
        private readonly int _burst;
        private double _tokens;
        private DateTimeOffset _last = DateTimeOffset.UtcNow;

        public Bucket(double rate, int burst)
        {
            _rate = rate;
            _burst = burst;
            _tokens = burst;
        }

        public int Refused { get; private set; }

        public int Served { get; private set; }

        public HttpResponseMessage Answer()
        {
            lock (_lock)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                _tokens = Math.Min(_burst, _tokens + ((now - _last).TotalSeconds * _rate));
                _last = now;
                bool allowed = _tokens >= 1;
                if (allowed)
                {
                    _tokens -= 1;
                    Served++;
                }
                else
                {
                    Refused++;
                }

                DateTimeOffset full = now.AddSeconds((_burst - _tokens) / _rate);
                long reset = full.ToUnixTimeMilliseconds() % 1000 == 0 ? full.ToUnixTimeSeconds() : full.ToUnixTimeSeconds() + 1;
                HttpResponseMessage response = allowed
                    ? FakeHandler.Json(HttpStatusCode.OK, "[]")
                    : FakeHandler.Json((HttpStatusCode)429, "{\"statusCode\":429,\"message\":\"Global limit has been reached\",\"errorCode\":\"too_many_requests\"}");
                response.Headers.Add("x-ratelimit-limit", _burst.ToString(CultureInfo.InvariantCulture));
                response.Headers.Add("x-ratelimit-remaining", ((int)Math.Floor(_tokens)).ToString(CultureInfo.InvariantCulture));
                response.Headers.Add("x-ratelimit-reset", reset.ToString(CultureInfo.InvariantCulture));
                if (!allowed)
                {
                    response.Headers.Add("Retry-After", "1");
                }

                return response;
            }
        }
    }

    [Fact]
    public async Task Concurrent_callers_on_one_connection_never_exceed_the_advertised_budget()
    {
        var bucket = new Bucket(rate: 20, burst: 10);
        var handler = new FakeHandler(async (_, _) =>
        {
            await Task.Delay(5);
            return bucket.Answer();
        });
        using var pipeline = new HttpPipeline(Base, new HttpPipelineOptions { Handler = handler });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 8; i++)
            {
                await pipeline.SendAsync(new ApiRequest(HttpMethod.Get, "/api/v2/clients") { RateLimited = true }, CancellationToken.None);
            }
        })));

        Assert.Equal(0, bucket.Refused);
        Assert.Equal(32, bucket.Served);
    }

    [Fact]
    public async Task After_a_429_every_caller_waits_for_Retry_After_before_the_next_request()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var waits = new List<TimeSpan>();
        var handler = new FakeHandler((_, i) =>
        {
            HttpResponseMessage response = i == 0
                ? FakeHandler.Json((HttpStatusCode)429, "{\"statusCode\":429,\"message\":\"Global limit has been reached\"}")
                : FakeHandler.Json(HttpStatusCode.OK, "[]");
            response.Headers.Add("x-ratelimit-limit", "20");
            response.Headers.Add("x-ratelimit-remaining", i == 0 ? "0" : "19");
            response.Headers.Add("x-ratelimit-reset", (now.ToUnixTimeSeconds() + 2).ToString(CultureInfo.InvariantCulture));
            if (i == 0)
            {
                response.Headers.Add("Retry-After", "1");
            }

            return response;
        });
        using var pipeline = new HttpPipeline(Base, new HttpPipelineOptions
        {
            Handler = handler,
            Clock = () => now,
            Delay = (wait, _) =>
            {
                waits.Add(wait);
                now += wait;
                return Task.CompletedTask;
            },
        });

        ApiResponse response = await pipeline.SendAsync(new ApiRequest(HttpMethod.Get, "/api/v2/clients") { RateLimited = true }, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(2, handler.Count);
        // Retry-After (1 s); then the bucket refills at least linearly to full (20) by the reset (+ margin),
        // so one request is allowed 1/20 of the remaining 1.1 s later.
        Assert.Equal(TimeSpan.FromSeconds(1), waits[0]);
        Assert.Equal(TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(55), waits.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task A_spent_budget_lets_requests_go_as_fast_as_the_slowest_refill_that_is_full_at_the_reset()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var waits = new List<TimeSpan>();
        var gate = new RateLimitGate(() => now, (wait, _) =>
        {
            waits.Add(wait);
            now += wait;
            return Task.CompletedTask;
        }, null);

        RateLimitGate.Ticket first = await gate.AcquireAsync(CancellationToken.None);
        gate.Complete(first, new RateLimitHeaders(5, 1, now.AddSeconds(3), null), rateLimited: false, answered: true);
        RateLimitGate.Ticket second = await gate.AcquireAsync(CancellationToken.None);
        gate.Complete(second, new RateLimitHeaders(5, 0, now.AddSeconds(3), null), rateLimited: false, answered: true);
        Assert.Empty(waits);

        // Limit 5, full by reset + margin (3.1 s): one request per 0.62 s.
        RateLimitGate.Ticket third = await gate.AcquireAsync(CancellationToken.None);
        RateLimitGate.Ticket fourth = await gate.AcquireAsync(CancellationToken.None);

        Assert.Equal(new[] { TimeSpan.FromMilliseconds(620), TimeSpan.FromMilliseconds(620) }, waits);
        gate.Complete(third, null, rateLimited: false);
        gate.Complete(fourth, null, rateLimited: false);
    }

    [Fact]
    public async Task Past_the_reset_instant_with_nothing_in_flight_the_whole_limit_is_available_again()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var gate = new RateLimitGate(() => now, (_, _) => Task.CompletedTask, null);
        RateLimitGate.Ticket first = await gate.AcquireAsync(CancellationToken.None);
        gate.Complete(first, new RateLimitHeaders(5, 0, now.AddSeconds(3), null), rateLimited: false, answered: true);
        Assert.Equal(0, gate.Remaining);

        now = now.AddSeconds(4);
        RateLimitGate.Ticket second = await gate.AcquireAsync(CancellationToken.None);

        Assert.Equal(4, gate.Remaining);
        gate.Complete(second, null, rateLimited: false);
    }

    [Fact]
    public async Task Until_the_first_answer_only_one_request_is_in_flight()
    {
        var gate = new RateLimitGate(() => DateTimeOffset.UtcNow, (wait, ct) => Task.Delay(wait, ct), null);
        RateLimitGate.Ticket first = await gate.AcquireAsync(CancellationToken.None);

        Task<RateLimitGate.Ticket> second = gate.AcquireAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);

        gate.Complete(first, new RateLimitHeaders(10, 9, DateTimeOffset.UtcNow.AddSeconds(1), null), rateLimited: false, answered: true);
        RateLimitGate.Ticket granted = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, granted.Sequence);
        Assert.Equal(8, gate.Remaining);
    }

    [Fact]
    public async Task An_answer_does_not_count_requests_sent_after_it_so_they_come_off_its_remaining()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var gate = new RateLimitGate(() => now, (_, _) => Task.CompletedTask, null);
        RateLimitGate.Ticket first = await gate.AcquireAsync(CancellationToken.None);
        gate.Complete(first, new RateLimitHeaders(10, 2, now.AddSeconds(1), null), rateLimited: false, answered: true);

        RateLimitGate.Ticket a = await gate.AcquireAsync(CancellationToken.None);
        RateLimitGate.Ticket b = await gate.AcquireAsync(CancellationToken.None);
        Assert.Equal(0, gate.Remaining);

        // a's answer says 1 left, but b was sent while a was in flight: b is not in that 1.
        gate.Complete(a, new RateLimitHeaders(10, 1, now.AddSeconds(1), null), rateLimited: false, answered: true);
        Assert.Equal(0, gate.Remaining);
        gate.Complete(b, null, rateLimited: false);
    }

    [Fact]
    public async Task The_fixed_ceiling_spaces_requests_by_one_over_the_rate()
    {
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var waits = new List<TimeSpan>();
        var gate = new RateLimitGate(() => now, (wait, _) =>
        {
            waits.Add(wait);
            return Task.CompletedTask;
        }, maxRequestsPerSecond: 4);

        for (int i = 0; i < 3; i++)
        {
            RateLimitGate.Ticket ticket = await gate.AcquireAsync(CancellationToken.None);
            gate.Complete(ticket, null, rateLimited: false, answered: true);
        }

        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500) }, waits);
    }

    [Fact]
    public async Task A_request_that_fails_unexpectedly_gives_its_reservation_back()
    {
        int calls = 0;
        var handler = new FakeHandler((_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                HttpResponseMessage first = FakeHandler.Json(HttpStatusCode.OK, "[]");
                first.Headers.Add("x-ratelimit-limit", "10");
                first.Headers.Add("x-ratelimit-remaining", "9");
                first.Headers.Add("x-ratelimit-reset", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                return Task.FromResult(first);
            }

            return Task.FromException<HttpResponseMessage>(new InvalidOperationException("handler bug"));
        });
        using var pipeline = new HttpPipeline(Base, new HttpPipelineOptions { Handler = handler });
        await pipeline.SendAsync(new ApiRequest(HttpMethod.Get, "/api/v2/a") { RateLimited = true }, CancellationToken.None);

        for (int i = 0; i < 12; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.SendAsync(new ApiRequest(HttpMethod.Get, "/api/v2/a") { RateLimited = true }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(13, calls);
    }

    [Fact]
    public void A_ceiling_that_is_not_positive_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitGate(() => DateTimeOffset.UtcNow, (_, _) => Task.CompletedTask, 0));
}
