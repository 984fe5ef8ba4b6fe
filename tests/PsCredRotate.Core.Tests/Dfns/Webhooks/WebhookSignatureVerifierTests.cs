using System;
using System.Security;
using System.Text;
using PsCredRotate.Core.Dfns.Webhooks;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Dfns.Webhooks;

public sealed class WebhookSignatureVerifierTests
{
    // A compact event as Dfns delivers it, and its HMAC-SHA256 computed with openssl
    // (printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret") under two secrets.
    private const string Event = "{\"id\":\"wh-1a2b3-c4d5e-0000000000000000\",\"kind\":\"wallet.created\",\"date\":\"2026-11-29T17:00:00.000Z\",\"data\":{\"wallet\":{\"id\":\"wa-1\"}},\"status\":\"200\",\"timestampSent\":1795971600}";
    private const string OldSecret = "whsec-old-0123456789abcdef";
    private const string NewSecret = "whsec-new-fedcba9876543210";
    private const string SignedWithOld = "sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17";
    private const string SignedWithNew = "sha256=540dcfc682f51693132a63a8a93d30316547aa0e33315f6ca2529e9695cbb3af";

    private static readonly DateTimeOffset Sent = new(2026, 11, 29, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Sent.AddSeconds(90);

    private static SecureString S(string value) => SecureStrings.FromString(value);

    private static byte[] Utf8(string value) => new UTF8Encoding(false).GetBytes(value);

    private static WebhookSignatureResult Verify(
        string body,
        string? header,
        string[] secrets,
        DateTimeOffset? now = null,
        TimeSpan? maxAge = null,
        bool reserialized = false) =>
        WebhookSignatureVerifier.Verify(
            Utf8(body),
            header,
            Array.ConvertAll(secrets, S),
            now ?? Now,
            maxAge ?? WebhookSignatureVerifier.DefaultMaxAge,
            reserialized);

    [Fact]
    public void An_event_signed_with_the_secret_is_valid_and_says_when_it_was_sent()
    {
        WebhookSignatureResult result = Verify(Event, SignedWithOld, [OldSecret]);

        Assert.True(result.IsValid);
        Assert.Equal(WebhookSignatureReason.Valid, result.Reason);
        Assert.Equal(0, result.MatchedSecretIndex);
        Assert.Equal(Sent, result.TimestampSent);
        Assert.Equal(TimeSpan.FromSeconds(90), result.Age);
        Assert.Equal("wh-1a2b3-c4d5e-0000000000000000", result.EventId);
        Assert.Equal("wallet.created", result.Kind);
        Assert.False(result.MatchedReserializedBody);
    }

    [Fact]
    public void During_a_switch_events_signed_with_either_secret_are_valid_and_name_the_secret_that_matched()
    {
        WebhookSignatureResult old = Verify(Event, SignedWithOld, [OldSecret, NewSecret]);
        WebhookSignatureResult @new = Verify(Event, SignedWithNew, [OldSecret, NewSecret]);

        Assert.Equal((WebhookSignatureReason.Valid, 0), (old.Reason, old.MatchedSecretIndex!.Value));
        Assert.Equal((WebhookSignatureReason.Valid, 1), (@new.Reason, @new.MatchedSecretIndex!.Value));
    }

    [Fact]
    public void After_the_switch_an_event_signed_with_the_old_secret_is_refused()
    {
        WebhookSignatureResult result = Verify(Event, SignedWithOld, [NewSecret]);

        Assert.Equal(WebhookSignatureReason.SignatureMismatch, result.Reason);
        Assert.False(result.IsValid);
        Assert.Null(result.MatchedSecretIndex);
    }

    [Fact]
    public void A_tampered_body_is_refused_and_nothing_of_it_is_reported()
    {
        string tampered = Event.Replace("wa-1", "wa-2", StringComparison.Ordinal);

        WebhookSignatureResult result = Verify(tampered, SignedWithOld, [OldSecret, NewSecret]);

        Assert.Equal(WebhookSignatureReason.SignatureMismatch, result.Reason);
        Assert.Null(result.EventId);
        Assert.Null(result.Kind);
        Assert.Null(result.TimestampSent);
    }

    [Fact]
    public void A_body_with_added_whitespace_is_refused_because_the_raw_bytes_are_verified() =>
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, Verify(Event + "\n", SignedWithOld, [OldSecret]).Reason);

    [Fact]
    public void A_reformatted_body_is_accepted_only_when_the_compact_re_serialisation_is_allowed()
    {
        string pretty = Event.Replace(",\"", ",\n  \"", StringComparison.Ordinal).Replace("{", "{ ", StringComparison.Ordinal);

        WebhookSignatureResult strict = Verify(pretty, SignedWithNew, [OldSecret, NewSecret]);
        WebhookSignatureResult lenient = Verify(pretty, SignedWithNew, [OldSecret, NewSecret], reserialized: true);

        Assert.Equal(WebhookSignatureReason.SignatureMismatch, strict.Reason);
        Assert.Equal(WebhookSignatureReason.Valid, lenient.Reason);
        Assert.Equal(1, lenient.MatchedSecretIndex);
        Assert.True(lenient.MatchedReserializedBody);
    }

    [Fact]
    public void The_compact_form_of_a_compact_body_is_the_body_itself() =>
        Assert.Equal(Event, Encoding.UTF8.GetString(WebhookSignatureVerifier.Compact(System.Text.Json.JsonDocument.Parse(Event).RootElement)));

    [Fact]
    public void An_event_five_minutes_old_or_more_is_refused_and_one_just_younger_is_valid()
    {
        Assert.Equal(WebhookSignatureReason.Valid, Verify(Event, SignedWithOld, [OldSecret], Sent.AddSeconds(299)).Reason);

        WebhookSignatureResult stale = Verify(Event, SignedWithOld, [OldSecret], Sent.AddMinutes(5));

        Assert.Equal(WebhookSignatureReason.TimestampOutsideWindow, stale.Reason);
        Assert.False(stale.IsValid);
        Assert.Equal(0, stale.MatchedSecretIndex);
        Assert.Equal(TimeSpan.FromMinutes(5), stale.Age);
    }

    [Fact]
    public void An_event_from_five_minutes_in_the_future_is_refused_too()
    {
        WebhookSignatureResult result = Verify(Event, SignedWithOld, [OldSecret], Sent.AddMinutes(-5));

        Assert.Equal(WebhookSignatureReason.TimestampOutsideWindow, result.Reason);
        Assert.Equal(TimeSpan.FromMinutes(-5), result.Age);
    }

    [Fact]
    public void The_window_can_be_narrowed()
    {
        Assert.Equal(WebhookSignatureReason.TimestampOutsideWindow, Verify(Event, SignedWithOld, [OldSecret], maxAge: TimeSpan.FromSeconds(60)).Reason);
        Assert.Equal(WebhookSignatureReason.Valid, Verify(Event, SignedWithOld, [OldSecret], maxAge: TimeSpan.FromSeconds(91)).Reason);
    }

    [Fact]
    public void A_timestamp_in_milliseconds_is_read_as_seconds_and_so_lies_far_outside_the_window()
    {
        string body = Event.Replace("1795971600", "1795971600000", StringComparison.Ordinal);
        string header = WebhookSignatureVerifier.Sign(Utf8(body), S(OldSecret));

        WebhookSignatureResult result = Verify(body, header, [OldSecret]);

        Assert.Equal(WebhookSignatureReason.TimestampOutsideWindow, result.Reason);
        Assert.Null(result.TimestampSent);
    }

    [Theory]
    [InlineData("\"timestampSent\":\"1795971600\"", WebhookSignatureReason.Valid)]
    [InlineData("\"timestampSent\":1795971600.25", WebhookSignatureReason.Valid)]
    [InlineData("\"timestampSent\":\"soon\"", WebhookSignatureReason.TimestampMissing)]
    [InlineData("\"timestampSent\":null", WebhookSignatureReason.TimestampMissing)]
    [InlineData("\"sent\":1795971600", WebhookSignatureReason.TimestampMissing)]
    public void The_timestamp_is_a_number_of_seconds_or_a_string_holding_one(string member, WebhookSignatureReason expected)
    {
        string body = Event.Replace("\"timestampSent\":1795971600", member, StringComparison.Ordinal);
        string header = WebhookSignatureVerifier.Sign(Utf8(body), S(OldSecret));

        Assert.Equal(expected, Verify(body, header, [OldSecret]).Reason);
    }

    [Fact]
    public void An_authentic_body_that_is_not_json_is_refused_as_BodyNotJson()
    {
        // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
        WebhookSignatureResult result = Verify(
            "what do ya want for nothing?",
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ["Jefe"]);

        Assert.Equal(WebhookSignatureReason.BodyNotJson, result.Reason);
        Assert.Equal(0, result.MatchedSecretIndex);
    }

    [Fact]
    public void An_authentic_json_array_is_refused_as_BodyNotJson()
    {
        string header = WebhookSignatureVerifier.Sign(Utf8("[1,2]"), S(OldSecret));

        Assert.Equal(WebhookSignatureReason.BodyNotJson, Verify("[1,2]", header, [OldSecret]).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17")]
    [InlineData("sha1=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17")]
    [InlineData("sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba1")]
    [InlineData("sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba177")]
    [InlineData("sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba1g")]
    [InlineData("sha256= 29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba1")]
    [InlineData("sha256=KZI8f5QjyKmHfu8mGufOank7qMfLpndI4d0+PbMYuhc=")]
    public void A_missing_or_malformed_header_is_a_result_not_an_exception(string? header)
    {
        WebhookSignatureResult result = Verify(Event, header, [OldSecret]);

        Assert.Equal(WebhookSignatureReason.SignatureMalformed, result.Reason);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("SHA256=29923C7F9423C8A9877EEF261AE7CE6A793BA8C7CBA67748E1DD3E3DB318BA17")]
    [InlineData("  sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17 ")]
    public void Upper_case_hex_and_surrounding_spaces_are_tolerated(string header) =>
        Assert.Equal(WebhookSignatureReason.Valid, Verify(Event, header, [OldSecret]).Reason);

    [Fact]
    public void No_secret_is_a_caller_error()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => Verify(Event, SignedWithOld, []));

        Assert.Equal(ErrorIds.WebhookSecretRequired, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public void An_empty_or_null_secret_is_a_caller_error_naming_its_position()
    {
        var empty = Assert.Throws<PsCredRotateException>(() => Verify(Event, SignedWithOld, [OldSecret, ""]));
        var none = Assert.Throws<PsCredRotateException>(() => WebhookSignatureVerifier.Verify(Utf8(Event), SignedWithOld, [null], Now, WebhookSignatureVerifier.DefaultMaxAge));

        Assert.Equal((ErrorIds.WebhookSecretEmpty, (object?)1), (empty.ErrorId, empty.Target));
        Assert.Equal(ErrorIds.WebhookSecretEmpty, none.ErrorId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_that_is_not_positive_is_a_caller_error(int seconds)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => Verify(Event, SignedWithOld, [OldSecret], maxAge: TimeSpan.FromSeconds(seconds)));

        Assert.Equal(ErrorIds.WebhookMaxAgeInvalid, ex.ErrorId);
    }

    [Fact]
    public void Sign_gives_the_header_openssl_computes()
    {
        Assert.Equal(SignedWithOld, WebhookSignatureVerifier.Sign(Utf8(Event), S(OldSecret)));
        Assert.Equal(SignedWithNew, WebhookSignatureVerifier.Sign(Utf8(Event), S(NewSecret)));
    }

    [Fact]
    public void A_random_event_signed_by_openssl_with_a_non_ascii_secret_is_valid()
    {
        // The key is the secret's UTF-8 bytes, as Node's createHmac takes a string key.
        string secret = "whsec-é-" + Guid.NewGuid().ToString("N");
        string body = "{\"id\":\"wh-" + Guid.NewGuid().ToString("N") + "\",\"kind\":\"wallet.created\",\"data\":{\"note\":\"ünïcode ✓\"},\"timestampSent\":1795971600}";
        using var dir = new TempDir();
        string file = dir.Write("event.json", body);

        string output = OpenSsl.Run("dgst", "-sha256", "-hmac", secret, file).EnsureSuccess().StdOut.Trim();
        string hex = output.Substring(output.LastIndexOf(' ') + 1);

        WebhookSignatureResult result = Verify(body, "sha256=" + hex, [NewSecret, secret]);

        Assert.Equal((WebhookSignatureReason.Valid, 1), (result.Reason, result.MatchedSecretIndex!.Value));
    }

    [Fact]
    public void The_result_text_names_no_secret_and_no_signature()
    {
        WebhookSignatureResult valid = Verify(Event, SignedWithOld, [OldSecret, NewSecret]);
        WebhookSignatureResult refused = Verify(Event, SignedWithOld, [NewSecret]);

        foreach (string text in new[] { valid.ToString(), refused.ToString() })
        {
            Assert.DoesNotContain(OldSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(NewSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("29923c7f", text, StringComparison.Ordinal);
        }
    }
}
