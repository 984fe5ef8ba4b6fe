using System.Globalization;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// What one Management API request learned from the bucket; becomes the x-ratelimit-* headers, and
/// on a refusal also Retry-After (whole seconds until the next token, at least 1).
/// </summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetEpochSeconds, int RetryAfterSeconds = 1)
{
    public void Apply(IHeaderDictionary headers)
    {
        headers["x-ratelimit-limit"] = Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining"] = Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset"] = ResetEpochSeconds.ToString(CultureInfo.InvariantCulture);
        if (!Allowed)
        {
            headers.RetryAfter = Math.Max(1, RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>
/// The tenant's Management API token bucket (Auth0 limits per tenant, not per endpoint). Capacity
/// is the burst; it refills at <c>--rate-limit</c> tokens per second on the <see cref="EmulatorClock"/>,
/// so moving the clock forward refills it and moving it back refills nothing (until the
/// clock passes the latest instant the bucket has seen). With the limit off
/// (rate 0) every request passes and the headers report a full bucket of
/// <c>--rate-report-limit</c> (default 50, Auth0's documented per-tenant Management API limit).
/// <c>x-ratelimit-reset</c> is the UNIX second at which the bucket is full again.
/// </summary>
public sealed class ManagementRateLimiter
{
    private readonly object _gate = new();
    private readonly EmulatorClock _clock;
    private readonly double _rate;
    private readonly int _burst;
    private readonly int _reportedLimit;
    private double _tokens;
    private DateTimeOffset _last;

    public ManagementRateLimiter(EmulatorOptions options, EmulatorClock clock)
    {
        _clock = clock;
        _rate = options.RateLimitPerSecond;
        _burst = options.RateLimitBurst > 0 ? options.RateLimitBurst : Math.Max(1, (int)Math.Ceiling(_rate));
        _reportedLimit = options.RateReportLimit;
        _tokens = _burst;
        _last = clock.UtcNow;
    }

    public bool Enabled => _rate > 0;

    /// <summary>Takes one token when there is one.</summary>
    public RateLimitDecision Take()
    {
        DateTimeOffset now = _clock.UtcNow;
        if (!Enabled)
        {
            return new RateLimitDecision(true, _reportedLimit, Math.Max(0, _reportedLimit - 1), now.ToUnixTimeSeconds() + 1);
        }

        lock (_gate)
        {
            Refill(now);
            bool allowed = _tokens >= 1;
            if (allowed)
            {
                _tokens -= 1;
            }

            return Describe(allowed, now);
        }
    }

    /// <summary>The headers of an injected 429: the bucket is reported empty.</summary>
    public RateLimitDecision Exhausted()
    {
        DateTimeOffset now = _clock.UtcNow;
        int limit = Enabled ? _burst : _reportedLimit;
        double perSecond = Enabled ? _rate : limit;
        return new RateLimitDecision(false, limit, 0, Ceiling(now.AddSeconds(limit / perSecond)), SecondsUntil(1 / perSecond));
    }

    /// <summary>Back to a full bucket (admin reset).</summary>
    public void Refill()
    {
        lock (_gate)
        {
            _tokens = _burst;
            _last = _clock.UtcNow;
        }
    }

    private void Refill(DateTimeOffset now)
    {
        double elapsed = (now - _last).TotalSeconds;
        if (elapsed > 0)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsed * _rate));
            _last = now;
        }

        // A clock moved back refills nothing until it passes the latest instant the bucket has
        // seen again, so moving it back and forth never mints tokens.
    }

    private RateLimitDecision Describe(bool allowed, DateTimeOffset now)
    {
        double missing = _burst - _tokens;
        long reset = Ceiling((now > _last ? now : _last).AddSeconds(missing / _rate));
        return new RateLimitDecision(allowed, _burst, (int)Math.Floor(_tokens), reset, SecondsUntil(Math.Max(0, 1 - _tokens) / _rate));
    }

    /// <summary>Retry-After is whole seconds: rounded up, at least 1.</summary>
    private static int SecondsUntil(double seconds) => (int)Math.Max(1, Math.Min(int.MaxValue, Math.Ceiling(seconds)));

    private static long Ceiling(DateTimeOffset instant)
    {
        long seconds = instant.ToUnixTimeSeconds();
        return instant.ToUnixTimeMilliseconds() % 1000 == 0 ? seconds : seconds + 1;
    }
}
