using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http.Headers;

namespace PsCredRotate.Core.Http;

/// <summary>A successful (2xx) answer, read whole: the status, the body text and the headers the callers need.</summary>
internal sealed class ApiResponse
{
    public ApiResponse(int statusCode, string body, string? mediaType, RateLimitHeaders? rateLimit)
    {
        StatusCode = statusCode;
        Body = body;
        MediaType = mediaType;
        RateLimit = rateLimit;
    }

    public int StatusCode { get; }

    public string Body { get; }

    public string? MediaType { get; }

    public RateLimitHeaders? RateLimit { get; }
}

/// <summary>x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset (UNIX seconds) and Retry-After of one answer.</summary>
internal sealed class RateLimitHeaders
{
    public RateLimitHeaders(int? limit, int? remaining, DateTimeOffset? reset, TimeSpan? retryAfter)
    {
        Limit = limit;
        Remaining = remaining;
        Reset = reset;
        RetryAfter = retryAfter;
    }

    public int? Limit { get; }

    public int? Remaining { get; }

    public DateTimeOffset? Reset { get; }

    public TimeSpan? RetryAfter { get; }

    public bool HasBudget => Limit is not null && Remaining is not null && Reset is not null;

    /// <summary>Reads the headers; null when none of them is present.</summary>
    public static RateLimitHeaders? Read(HttpResponseHeaders headers, DateTimeOffset now)
    {
        int? limit = Integer(headers, "x-ratelimit-limit");
        int? remaining = Integer(headers, "x-ratelimit-remaining");
        long? reset = Long(headers, "x-ratelimit-reset");
        TimeSpan? retryAfter = null;
        if (headers.RetryAfter is { } retry)
        {
            if (retry.Delta is { } delta)
            {
                retryAfter = delta;
            }
            else if (retry.Date is { } date)
            {
                retryAfter = date - now;
            }

            if (retryAfter < TimeSpan.Zero)
            {
                retryAfter = TimeSpan.Zero;
            }
        }

        if (limit is null && remaining is null && reset is null && retryAfter is null)
        {
            return null;
        }

        DateTimeOffset? resetAt = null;
        if (reset is long seconds && seconds > 0 && seconds < 253402300799L)
        {
            resetAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return new RateLimitHeaders(limit, remaining, resetAt, retryAfter);
    }

    private static int? Integer(HttpResponseHeaders headers, string name) =>
        Long(headers, name) is long value && value >= 0 && value <= int.MaxValue ? (int)value : null;

    private static long? Long(HttpResponseHeaders headers, string name)
    {
        if (headers.TryGetValues(name, out IEnumerable<string>? values)
            && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
        {
            return value;
        }

        return null;
    }
}
