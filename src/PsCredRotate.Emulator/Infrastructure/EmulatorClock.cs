namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// The emulator's notion of now: real UTC time plus an offset the admin area can move forward
/// (expiry and policy tests). Every timestamp the emulator writes or checks comes from here.
/// </summary>
public sealed class EmulatorClock
{
    private long _offsetTicks;

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + Offset;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock forward (or back) by <paramref name="delta"/>.</summary>
    public void Advance(TimeSpan delta) => Interlocked.Add(ref _offsetTicks, delta.Ticks);

    /// <summary>Sets the clock so that now is <paramref name="now"/> (the offset keeps real time running from there).</summary>
    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _offsetTicks, (now - DateTimeOffset.UtcNow).Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
