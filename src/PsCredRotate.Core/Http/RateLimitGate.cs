using System;
using System.Threading;
using System.Threading.Tasks;

namespace PsCredRotate.Core.Http;

/// <summary>
/// The rate-limit budget of one connection, shared by every concurrent call on it. It never sends
/// more than the server says is left: a request reserves one unit of budget before it is sent;
/// every answer's x-ratelimit-remaining, less every request that answer cannot have counted
/// (those in flight when it was sent and those sent after it), becomes the budget when that is
/// more than what is left locally. Once the budget is spent, the gate waits until everything in
/// flight is answered; from that instant the bucket refills at least linearly to full by
/// x-ratelimit-reset (the latest seen), so it lets requests go at limit ÷ (reset − then) per
/// second, and past the reset it starts again from a full budget. Until the first answer
/// with the headers, one request at a time. After a 429 everyone waits for Retry-After (else the
/// reset instant). <see cref="Auth0.Auth0ConnectionOptions.MaxRequestsPerSecond"/> adds a fixed
/// ceiling: requests start at least 1/rate apart.
/// </summary>
internal sealed class RateLimitGate
{
    /// <summary>No wait the server asks for is taken as longer than this (a skewed clock or a bad header must not stall a runbook).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    /// <summary>Added to the reset instant: the server's clock and ours may differ by part of a second.</summary>
    public static readonly TimeSpan ResetMargin = TimeSpan.FromMilliseconds(100);

    /// <summary>Shortest pause after a 429 that names no wait.</summary>
    public static readonly TimeSpan MinRateLimitedWait = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private readonly Func<DateTimeOffset> _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly TimeSpan? _interval;
    private TaskCompletionSource<bool> _changed = NewSignal();
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private long _sent;
    private int _inFlight;
    private bool _known;
    private bool _headerless;
    private int _limit;
    private int _budget;
    private DateTimeOffset? _anchor;
    private DateTimeOffset _anchorFull;
    private int _anchorGrants;

    public RateLimitGate(Func<DateTimeOffset> clock, Func<TimeSpan, CancellationToken, Task> delay, double? maxRequestsPerSecond)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _delay = delay ?? throw new ArgumentNullException(nameof(delay));
        if (maxRequestsPerSecond is double rate)
        {
            if (double.IsNaN(rate) || rate <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxRequestsPerSecond), "The request ceiling must be a positive number of requests per second.");
            }

            _interval = TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerSecond / rate));
        }
    }

    /// <summary>Requests sent through the gate so far.</summary>
    public long Sent
    {
        get
        {
            lock (_lock)
            {
                return _sent;
            }
        }
    }

    /// <summary>The budget left as the gate sees it (null until an answer carried the headers).</summary>
    public int? Remaining
    {
        get
        {
            lock (_lock)
            {
                return _known ? _budget : null;
            }
        }
    }

    /// <summary>Waits until one request may be sent and reserves it. Complete the ticket when the answer (or failure) is in.</summary>
    public async Task<Ticket> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan wait = TimeSpan.Zero;
            Task? changed = null;
            Ticket? ticket = null;
            TimeSpan slotWait = TimeSpan.Zero;
            lock (_lock)
            {
                DateTimeOffset now = _clock();
                if (now < _blockedUntil)
                {
                    wait = _blockedUntil - now;
                }
                else if (!_known && !_headerless)
                {
                    if (_inFlight == 0)
                    {
                        ticket = Grant(now, out slotWait);
                    }
                    else
                    {
                        changed = _changed.Task;
                    }
                }
                else if (!_known || _budget > 0)
                {
                    ticket = Grant(now, out slotWait);
                }
                else if (_inFlight == 0 && now >= _resetAt + ResetMargin)
                {
                    // Nothing in flight and the latest reset instant passed: the server's bucket is full.
                    _budget = _limit;
                    _anchor = null;
                    ticket = Grant(now, out slotWait);
                }
                else
                {
                    if (_inFlight == 0 && (_anchor is null || now >= _anchorFull))
                    {
                        // Everything sent has been answered, so the latest reset instant counts all of
                        // it: from here the bucket refills at least linearly to full by then.
                        _anchor = now;
                        _anchorFull = _resetAt + ResetMargin;
                        _anchorGrants = 0;
                    }

                    if (_anchor is DateTimeOffset anchor && Refilled(anchor, now) - _anchorGrants >= 1)
                    {
                        ticket = Grant(now, out slotWait);
                    }
                    else if (_anchor is DateTimeOffset start && now < _anchorFull)
                    {
                        // The instant the refill covers one more request.
                        double share = (_anchorGrants + 1) / (double)Math.Max(1, _limit);
                        DateTimeOffset next = start + TimeSpan.FromTicks((long)Math.Ceiling((_anchorFull - start).Ticks * share));
                        wait = next > now ? next - now : TimeSpan.FromMilliseconds(1);
                        if (_inFlight > 0)
                        {
                            changed = _changed.Task;
                        }
                    }
                    else
                    {
                        changed = _changed.Task;
                    }
                }
            }

            if (ticket is not null)
            {
                if (slotWait > TimeSpan.Zero)
                {
                    try
                    {
                        await _delay(slotWait, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        Complete(ticket, null, rateLimited: false);
                        throw;
                    }
                }

                return ticket;
            }

            if (changed is not null && wait > TimeSpan.Zero)
            {
                // An answer may raise the budget before the refill allows the next request.
                await Task.WhenAny(WaitAsync(changed, cancellationToken), _delay(wait > MaxWait ? MaxWait : wait, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            else if (changed is not null)
            {
                await WaitAsync(changed, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _delay(wait > MaxWait ? MaxWait : wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Releases the reservation and learns from the answer: <paramref name="headers"/> null when no
    /// answer came (the request may or may not have counted); <paramref name="rateLimited"/> for a 429.
    /// </summary>
    public void Complete(Ticket ticket, RateLimitHeaders? headers, bool rateLimited, bool answered = false)
    {
        if (ticket is null)
        {
            throw new ArgumentNullException(nameof(ticket));
        }

        TaskCompletionSource<bool> signal;
        lock (_lock)
        {
            if (ticket.Completed)
            {
                return;
            }

            ticket.Completed = true;
            _inFlight--;
            DateTimeOffset now = _clock();
            if (headers is { HasBudget: true })
            {
                _limit = headers.Limit!.Value;
                int candidate = headers.Remaining!.Value - ticket.InFlightAtSend - (int)(_sent - ticket.Sequence);
                _budget = _known ? Math.Max(_budget, candidate) : candidate;
                _known = true;
                _headerless = false;
                DateTimeOffset reset = Clamp(headers.Reset!.Value, now);
                if (reset > _resetAt)
                {
                    _resetAt = reset;
                }
            }
            else if (answered && !rateLimited && !_known)
            {
                // A server that sends no rate-limit headers: nothing to pace by but the fixed ceiling.
                _headerless = true;
            }

            if (rateLimited)
            {
                TimeSpan pause = headers?.RetryAfter
                    ?? (headers?.Reset is DateTimeOffset reset ? reset - now : MinRateLimitedWait);
                if (pause < MinRateLimitedWait && headers?.RetryAfter is null)
                {
                    pause = MinRateLimitedWait;
                }

                DateTimeOffset until = Clamp(now + pause, now);
                if (until > _blockedUntil)
                {
                    _blockedUntil = until;
                }

                if (until > _resetAt)
                {
                    _resetAt = until;
                }

                _budget = 0;
                _known = true;
                if (_limit == 0)
                {
                    _limit = headers?.Limit ?? 1;
                }
            }

            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult(true);
    }

    private Ticket Grant(DateTimeOffset now, out TimeSpan slotWait)
    {
        slotWait = TimeSpan.Zero;
        if (_interval is TimeSpan interval)
        {
            DateTimeOffset slot = _nextSlot > now ? _nextSlot : now;
            _nextSlot = slot + interval;
            slotWait = slot - now;
        }

        if (_known)
        {
            _budget--;
        }

        if (_anchor is not null)
        {
            _anchorGrants++;
        }

        var ticket = new Ticket(++_sent, _inFlight);
        _inFlight++;
        return ticket;
    }

    /// <summary>
    /// Requests the bucket has refilled for since <paramref name="anchor"/>, at the slowest refill
    /// that still reaches full by the reset instant: limit × elapsed ÷ (reset − anchor).
    /// </summary>
    private int Refilled(DateTimeOffset anchor, DateTimeOffset now)
    {
        double span = (_anchorFull - anchor).TotalMilliseconds;
        double share = span <= 0 ? 1 : Math.Min(1, (now - anchor).TotalMilliseconds / span);
        return (int)Math.Floor(_limit * share);
    }

    private static DateTimeOffset Clamp(DateTimeOffset instant, DateTimeOffset now) =>
        instant - now > MaxWait ? now + MaxWait : instant;

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task WaitAsync(Task task, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
        {
            await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>One reserved request.</summary>
    internal sealed class Ticket
    {
        public Ticket(long sequence, int inFlightAtSend)
        {
            Sequence = sequence;
            InFlightAtSend = inFlightAtSend;
        }

        /// <summary>Its place in the order of sends (1, 2, …).</summary>
        public long Sequence { get; }

        /// <summary>Requests in flight when it was sent: the answer may not have counted them.</summary>
        public int InFlightAtSend { get; }

        public bool Completed { get; set; }
    }
}
