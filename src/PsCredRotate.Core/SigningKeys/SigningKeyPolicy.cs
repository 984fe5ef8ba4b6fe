using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PsCredRotate.Core.SigningKeys;

/// <summary>What one run of the signing-key policy did (or would do).</summary>
public enum SigningKeyAction
{
    /// <summary>Nothing was due.</summary>
    None,

    /// <summary>Something was due but a window holds it back (propagation of the next key, retention of the previous one).</summary>
    Waited,

    /// <summary>A previous key was revoked (and no rotation happened).</summary>
    Revoked,

    /// <summary>The next key became current (previous keys may have been revoked in the same run).</summary>
    Rotated,
}

/// <summary>
/// The lifecycle policy of Invoke-SigningKeyRotation. Every window is optional; without any the run
/// rotates at once and revokes nothing.
/// </summary>
public sealed class SigningKeyPolicy
{
    /// <summary>The default time a key stays published (previous) before it may be revoked.</summary>
    public static readonly TimeSpan DefaultRetentionPeriod = TimeSpan.FromDays(7);

    /// <summary>Rotate only once the current key has been current this long (null: always due).</summary>
    public TimeSpan? RotateAfter { get; set; }

    /// <summary>Rotate only once the next key has been published this long (null: no wait).</summary>
    public TimeSpan? PropagationTime { get; set; }

    /// <summary>Revoke a previous key only once it has been previous this long.</summary>
    public TimeSpan RetentionPeriod { get; set; } = DefaultRetentionPeriod;

    /// <summary>Revoke previous keys whose retention period is over.</summary>
    public bool RevokePrevious { get; set; }

    /// <summary>Negative windows are <see cref="ErrorIds.SigningKeyPolicyInvalid"/>.</summary>
    public void Validate()
    {
        Check(RotateAfter, "RotateAfter");
        Check(PropagationTime, "PropagationTime");
        Check(RetentionPeriod, "RetentionPeriod");
    }

    internal static void Check(TimeSpan? span, string name)
    {
        if (span is TimeSpan value && value < TimeSpan.Zero)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyPolicyInvalid,
                ErrorKind.InvalidArgument,
                $"-{name} must not be negative (it is {SigningKeyPolicyEngine.Describe(value)}).",
                name);
        }
    }
}

/// <summary>What the policy decided for one run, and why.</summary>
public sealed class SigningKeyDecision
{
    internal SigningKeyDecision(SigningKeyAction action, bool rotate, string currentKid, string? nextKid, IReadOnlyList<string> revoke, string reason, DateTimeOffset? nextActionAt)
    {
        Action = action;
        Rotate = rotate;
        CurrentKid = currentKid;
        NextKid = nextKid;
        Revoke = revoke;
        Reason = reason;
        NextActionAt = nextActionAt;
    }

    public SigningKeyAction Action { get; }

    public bool Rotate { get; }

    public string CurrentKid { get; }

    public string? NextKid { get; }

    /// <summary>The previous keys to revoke, oldest first.</summary>
    public IReadOnlyList<string> Revoke { get; }

    public string Reason { get; }

    /// <summary>The earliest time something held back or not yet due becomes due (null: nothing pending).</summary>
    public DateTimeOffset? NextActionAt { get; }
}

/// <summary>
/// The pure decision of the signing-key policy over the server's keys and the clock: no call, no
/// side effect, so every branch is unit-tested.
/// </summary>
/// <remarks>
/// Auth0 publishes the next key in the JWKS from the moment it becomes next, which is the rotation
/// that made the current key current (or the tenant's creation): the next key has been published
/// since the current key's <see cref="SigningKey.CurrentSince"/>. Revocations are decided before
/// the rotation, so a key that becomes previous in this run is never revoked in the same run.
/// </remarks>
public static class SigningKeyPolicyEngine
{
    public static SigningKeyDecision Decide(IReadOnlyList<SigningKey> keys, DateTimeOffset now, SigningKeyPolicy policy)
    {
        if (keys is null)
        {
            throw new ArgumentNullException(nameof(keys));
        }

        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        policy.Validate();
        SigningKey current = keys.SingleOrDefault(k => k.State == SigningKeyState.Current)
            ?? throw StateUnexpected(keys, "there is no current key");
        SigningKey? next = keys.FirstOrDefault(k => k.State == SigningKeyState.Next);

        var reasons = new List<string>();
        var pending = new List<DateTimeOffset>();
        var revoke = new List<string>();
        bool waited = false;

        if (policy.RevokePrevious)
        {
            foreach (SigningKey previous in keys.Where(k => k.State == SigningKeyState.Previous).OrderBy(k => k.CurrentUntil ?? DateTimeOffset.MinValue))
            {
                if (previous.CurrentUntil is not DateTimeOffset until)
                {
                    waited = true;
                    reasons.Add($"The previous key {previous.Kid} does not say when it stopped being current, so its retention cannot be proven: it is not revoked (Revoke-SigningKey -Force does it).");
                    continue;
                }

                TimeSpan age = now - until;
                if (age >= policy.RetentionPeriod)
                {
                    revoke.Add(previous.Kid);
                    reasons.Add($"The previous key {previous.Kid} has been previous for {Describe(age)} (RetentionPeriod {Describe(policy.RetentionPeriod)}): revoke it.");
                }
                else
                {
                    waited = true;
                    DateTimeOffset due = until + policy.RetentionPeriod;
                    pending.Add(due);
                    reasons.Add($"The previous key {previous.Kid} has been previous for {Describe(age)}, less than RetentionPeriod {Describe(policy.RetentionPeriod)}: its revocation waits until {Stamp(due)}.");
                }
            }
        }

        bool rotate = false;
        TimeSpan? currentAge = current.CurrentSince is DateTimeOffset since ? now - since : null;
        if (policy.RotateAfter is TimeSpan rotateAfter && currentAge is TimeSpan age2 && age2 < rotateAfter)
        {
            DateTimeOffset due = current.CurrentSince!.Value + rotateAfter;
            pending.Add(due);
            reasons.Insert(0, $"The current key {current.Kid} has been current for {Describe(age2)}, less than RotateAfter {Describe(rotateAfter)}: rotation is due at {Stamp(due)}.");
        }
        else
        {
            string why = policy.RotateAfter is TimeSpan ra
                ? $"The current key {current.Kid} has been current for {(currentAge is TimeSpan a ? Describe(a) : "an unknown time")} (RotateAfter {Describe(ra)})"
                : $"No RotateAfter: rotation of the current key {current.Kid} is due on every run";
            if (next is null)
            {
                throw StateUnexpected(keys, "there is no next key to rotate to");
            }

            // The next key is published since the current key became current.
            TimeSpan? published = currentAge;
            if (policy.PropagationTime is TimeSpan propagation && published is TimeSpan p && p < propagation)
            {
                waited = true;
                DateTimeOffset due = current.CurrentSince!.Value + propagation;
                pending.Add(due);
                reasons.Insert(0, $"{why}, but the next key {next.Kid} has been published for {Describe(p)}, less than PropagationTime {Describe(propagation)}: rotation waits until {Stamp(due)}.");
            }
            else
            {
                rotate = true;
                string publishedText = published is TimeSpan pp ? Describe(pp) : "since before the last rotation on record";
                reasons.Insert(0, policy.PropagationTime is TimeSpan pt
                    ? $"{why} and the next key {next.Kid} has been published for {publishedText} (PropagationTime {Describe(pt)}): rotate, {next.Kid} becomes current."
                    : $"{why}: rotate, {next.Kid} becomes current.");
            }
        }

        SigningKeyAction action = rotate ? SigningKeyAction.Rotated
            : revoke.Count > 0 ? SigningKeyAction.Revoked
            : waited ? SigningKeyAction.Waited
            : SigningKeyAction.None;
        if (!policy.RevokePrevious && keys.Any(k => k.State == SigningKeyState.Previous))
        {
            reasons.Add("Previous keys stay published (no RevokePrevious).");
        }

        return new SigningKeyDecision(
            action,
            rotate,
            current.Kid,
            next?.Kid,
            revoke,
            string.Join(" ", reasons),
            pending.Count == 0 ? null : pending.Min());
    }

    /// <summary>A span for people: "3 d", "1 d 2 h", "45 min", "12 s".</summary>
    public static string Describe(TimeSpan span)
    {
        string sign = span < TimeSpan.Zero ? "-" : string.Empty;
        span = span.Duration();
        if (span.TotalDays >= 1)
        {
            return sign + (span.Hours == 0 && span.Minutes == 0
                ? string.Format(CultureInfo.InvariantCulture, "{0} d", span.Days)
                : string.Format(CultureInfo.InvariantCulture, "{0} d {1} h {2} min", span.Days, span.Hours, span.Minutes));
        }

        if (span.TotalHours >= 1)
        {
            return sign + string.Format(CultureInfo.InvariantCulture, "{0} h {1} min", span.Hours, span.Minutes);
        }

        return sign + (span.TotalMinutes >= 1
            ? string.Format(CultureInfo.InvariantCulture, "{0} min {1} s", span.Minutes, span.Seconds)
            : string.Format(CultureInfo.InvariantCulture, "{0} s", (int)span.TotalSeconds));
    }

    internal static string Stamp(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static PsCredRotateException StateUnexpected(IReadOnlyList<SigningKey> keys, string what) => new(
        ErrorIds.SigningKeyStateUnexpected,
        ErrorKind.InvalidData,
        $"The tenant's signing keys cannot be rotated by policy: {what} (keys: {string.Join(", ", keys.Select(k => k.Kid + " " + k.State))}).");
}
