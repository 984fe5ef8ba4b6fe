using System;
using System.Collections.Generic;
using PsCredRotate.Core.SigningKeys;
using static PsCredRotate.Core.Tests.SigningKeys.FakeSigningKeyApi;

namespace PsCredRotate.Core.Tests.SigningKeys;

public sealed class SigningKeyPolicyEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Day(double d) => T0.AddDays(d);

    /// <summary>Current since day 0 (so the next key is published since day 0), one previous key that stopped being current on <paramref name="previousUntil"/>.</summary>
    private static List<SigningKey> Keys(DateTimeOffset? previousUntil = null, bool revokedPrevious = false)
    {
        var keys = new List<SigningKey> { Key("CUR", SigningKeyState.Current, since: Day(0)), Key("NXT", SigningKeyState.Next) };
        if (previousUntil is DateTimeOffset until)
        {
            keys.Add(Key("PRV", revokedPrevious ? SigningKeyState.Revoked : SigningKeyState.Previous, since: until.AddDays(-90), until: until, revokedAt: revokedPrevious ? until.AddDays(14) : null));
        }

        return keys;
    }

    private static SigningKeyPolicy Scheduled() => new()
    {
        RotateAfter = TimeSpan.FromDays(90),
        PropagationTime = TimeSpan.FromDays(2),
        RetentionPeriod = TimeSpan.FromDays(14),
        RevokePrevious = true,
    };

    [Fact]
    public void Without_a_policy_window_the_rotation_is_due_at_once()
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(), Day(0), new SigningKeyPolicy());

        Assert.True(d.Rotate);
        Assert.Equal(SigningKeyAction.Rotated, d.Action);
        Assert.Equal("CUR", d.CurrentKid);
        Assert.Equal("NXT", d.NextKid);
        Assert.Empty(d.Revoke);
        Assert.Contains("NXT becomes current", d.Reason, StringComparison.Ordinal);
        Assert.Null(d.NextActionAt);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(89.99, false)]
    [InlineData(90, true)]
    [InlineData(200, true)]
    public void RotateAfter_holds_the_rotation_while_the_current_key_is_younger(double day, bool rotate)
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(), Day(day), new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(90) });

        Assert.Equal(rotate, d.Rotate);
        Assert.Equal(rotate ? SigningKeyAction.Rotated : SigningKeyAction.None, d.Action);
        if (!rotate)
        {
            Assert.Equal(Day(90), d.NextActionAt);
            Assert.Contains("less than RotateAfter 90 d", d.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1.5, false)]
    [InlineData(2, true)]
    public void PropagationTime_waits_until_the_next_key_has_been_published_that_long(double day, bool rotate)
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(), Day(day), new SigningKeyPolicy { PropagationTime = TimeSpan.FromDays(2) });

        Assert.Equal(rotate, d.Rotate);
        Assert.Equal(rotate ? SigningKeyAction.Rotated : SigningKeyAction.Waited, d.Action);
        if (!rotate)
        {
            Assert.Equal(Day(2), d.NextActionAt);
            Assert.Contains("less than PropagationTime 2 d", d.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PropagationTime_longer_than_RotateAfter_waits_after_the_rotation_is_due()
    {
        var policy = new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(1), PropagationTime = TimeSpan.FromDays(3) };

        Assert.Equal(SigningKeyAction.None, SigningKeyPolicyEngine.Decide(Keys(), Day(0.5), policy).Action);
        Assert.Equal(SigningKeyAction.Waited, SigningKeyPolicyEngine.Decide(Keys(), Day(2), policy).Action);
        Assert.Equal(SigningKeyAction.Rotated, SigningKeyPolicyEngine.Decide(Keys(), Day(3), policy).Action);
    }

    [Theory]
    [InlineData(1, SigningKeyAction.Waited)]
    [InlineData(13.9, SigningKeyAction.Waited)]
    [InlineData(14, SigningKeyAction.Revoked)]
    [InlineData(30, SigningKeyAction.Revoked)]
    public void RevokePrevious_revokes_a_previous_key_only_after_the_retention_period(double daysPrevious, SigningKeyAction expected)
    {
        // The current key is young (rotation not due), the previous key stopped being current at day 0.
        var keys = Keys(previousUntil: Day(0));

        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(keys, Day(daysPrevious), Scheduled());

        Assert.False(d.Rotate);
        Assert.Equal(expected, d.Action);
        Assert.Equal(expected == SigningKeyAction.Revoked ? new[] { "PRV" } : Array.Empty<string>(), d.Revoke);
        Assert.Equal(expected == SigningKeyAction.Waited ? Day(14) : Day(90), d.NextActionAt);
    }

    [Fact]
    public void Without_RevokePrevious_a_previous_key_is_never_revoked_and_the_run_says_so()
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(previousUntil: Day(0)), Day(60), new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(90) });

        Assert.Equal(SigningKeyAction.None, d.Action);
        Assert.Empty(d.Revoke);
        Assert.Contains("no RevokePrevious", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_revoked_key_is_not_revoked_again()
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(previousUntil: Day(-100), revokedPrevious: true), Day(10), Scheduled());

        Assert.Empty(d.Revoke);
        Assert.Equal(SigningKeyAction.None, d.Action);
    }

    [Fact]
    public void Rotation_and_revocation_due_together_do_both_and_report_Rotated()
    {
        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(Keys(previousUntil: Day(0)), Day(91), Scheduled());

        Assert.True(d.Rotate);
        Assert.Equal(new[] { "PRV" }, d.Revoke);
        Assert.Equal(SigningKeyAction.Rotated, d.Action);
        Assert.Contains("revoke it", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_key_without_current_until_is_not_revoked_by_policy()
    {
        var keys = Keys();
        keys.Add(Key("OLD", SigningKeyState.Previous));

        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(keys, Day(10), Scheduled());

        Assert.Empty(d.Revoke);
        Assert.Equal(SigningKeyAction.Waited, d.Action);
        Assert.Contains("OLD does not say when it stopped being current", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_previous_keys_are_decided_each_oldest_first()
    {
        var keys = Keys();
        keys.Add(Key("P2", SigningKeyState.Previous, until: Day(5)));
        keys.Add(Key("P1", SigningKeyState.Previous, until: Day(-20)));

        SigningKeyDecision d = SigningKeyPolicyEngine.Decide(keys, Day(10), Scheduled());

        Assert.Equal(new[] { "P1" }, d.Revoke);
        Assert.Equal(SigningKeyAction.Revoked, d.Action);
        Assert.Equal(Day(19), d.NextActionAt);
    }

    [Fact]
    public void The_scheduled_policy_over_a_year_rotates_on_day_90_and_revokes_on_day_14_after()
    {
        // Current since day 0, no previous key; run daily for 200 days on a state that follows the decisions.
        var keys = Keys();
        var log = new List<string>();
        for (int day = 0; day <= 200; day++)
        {
            SigningKeyDecision d = SigningKeyPolicyEngine.Decide(keys, Day(day), Scheduled());
            foreach (string kid in d.Revoke)
            {
                int i = keys.FindIndex(k => k.Kid == kid);
                keys[i] = Key(kid, SigningKeyState.Revoked, until: keys[i].CurrentUntil, revokedAt: Day(day));
                log.Add($"{day} revoke");
            }

            if (d.Rotate)
            {
                int c = keys.FindIndex(k => k.State == SigningKeyState.Current);
                int n = keys.FindIndex(k => k.State == SigningKeyState.Next);
                keys[c] = Key(keys[c].Kid, SigningKeyState.Previous, keys[c].CurrentSince, Day(day));
                keys[n] = Key(keys[n].Kid, SigningKeyState.Current, Day(day));
                keys.Add(Key("N" + day, SigningKeyState.Next));
                log.Add($"{day} rotate");
            }
        }

        Assert.Equal(new[] { "90 rotate", "104 revoke", "180 rotate", "194 revoke" }, log);
    }

    [Theory]
    [InlineData("RotateAfter")]
    [InlineData("PropagationTime")]
    [InlineData("RetentionPeriod")]
    public void A_negative_window_is_SigningKeyPolicyInvalid(string which)
    {
        var policy = new SigningKeyPolicy();
        TimeSpan negative = TimeSpan.FromDays(-1);
        switch (which)
        {
            case "RotateAfter": policy.RotateAfter = negative; break;
            case "PropagationTime": policy.PropagationTime = negative; break;
            default: policy.RetentionPeriod = negative; break;
        }

        PsCredRotateException ex = Assert.Throws<PsCredRotateException>(() => SigningKeyPolicyEngine.Decide(Keys(), Day(0), policy));

        Assert.Equal(ErrorIds.SigningKeyPolicyInvalid, ex.ErrorId);
        Assert.Contains("-" + which, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_current_key_is_SigningKeyStateUnexpected()
    {
        var keys = new List<SigningKey> { Key("NXT", SigningKeyState.Next) };

        Assert.Equal(ErrorIds.SigningKeyStateUnexpected, Assert.Throws<PsCredRotateException>(() => SigningKeyPolicyEngine.Decide(keys, Day(0), new SigningKeyPolicy())).ErrorId);
    }

    [Fact]
    public void No_next_key_is_SigningKeyStateUnexpected_only_when_a_rotation_is_due()
    {
        var keys = new List<SigningKey> { Key("CUR", SigningKeyState.Current, since: Day(0)) };
        var policy = new SigningKeyPolicy { RotateAfter = TimeSpan.FromDays(90) };

        Assert.Equal(SigningKeyAction.None, SigningKeyPolicyEngine.Decide(keys, Day(1), policy).Action);
        Assert.Equal(ErrorIds.SigningKeyStateUnexpected, Assert.Throws<PsCredRotateException>(() => SigningKeyPolicyEngine.Decide(keys, Day(91), policy)).ErrorId);
    }

    [Theory]
    [InlineData(90 * 24 * 60, "90 d")]
    [InlineData(24 * 60 + 61, "1 d 1 h 1 min")]
    [InlineData(61, "1 h 1 min")]
    [InlineData(5, "5 min 0 s")]
    public void Spans_are_described_for_people(int minutes, string expected)
    {
        Assert.Equal(expected, SigningKeyPolicyEngine.Describe(TimeSpan.FromMinutes(minutes)));
    }
}
