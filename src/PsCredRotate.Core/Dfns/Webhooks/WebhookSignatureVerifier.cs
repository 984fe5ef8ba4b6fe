using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>
/// Checks a delivered Dfns webhook event: the <c>X-DFNS-WEBHOOK-SIGNATURE: sha256=&lt;hex&gt;</c>
/// header against HMAC-SHA256(key = webhook secret as UTF-8, message = the raw body bytes) for
/// each of several secrets (so a receiver accepts the old and the new webhook's events during a
/// switch), compared in constant time; then the event's <c>timestampSent</c> (Unix seconds, as
/// in Dfns's docs and their example, <c>1701684144</c>) against a window (default 5 minutes,
/// refused when |now − timestampSent| ≥ the window, as Dfns's sample code does).
/// </summary>
/// <remarks>
/// Dfns's reference code signs <c>JSON.stringify</c> of the parsed event, which equals the raw body
/// when Dfns sends compact JSON; the raw bytes are what is verified. Behind
/// <c>allowReserializedBody</c> the compact re-serialisation of the parsed body (whitespace removed,
/// member order kept, strings re-escaped minimally, numbers as received) is also accepted, for a
/// receiver that only gets a re-formatted body. The signature is checked first; only an authentic
/// body is read for its timestamp, id and kind.
/// </remarks>
public static class WebhookSignatureVerifier
{
    /// <summary>The HTTP header Dfns sends the signature in.</summary>
    public const string HeaderName = "X-DFNS-WEBHOOK-SIGNATURE";

    /// <summary>The header value's prefix, followed by 64 lowercase hexadecimal digits.</summary>
    public const string SignaturePrefix = "sha256=";

    /// <summary>Dfns's recommended replay tolerance.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    private const int HmacSha256Length = 32;
    private const long MinUnixSeconds = -62135596800L;
    private const long MaxUnixSeconds = 253402300799L;

    /// <summary>
    /// Verifies one event. A missing or malformed header, a mismatch, a body that is not JSON or a
    /// stale timestamp is a result (<see cref="WebhookSignatureResult.Reason"/>), not an exception;
    /// the exceptions are for the caller's mistakes: no secret (<see cref="ErrorIds.WebhookSecretRequired"/>),
    /// an empty one (<see cref="ErrorIds.WebhookSecretEmpty"/>), a window that is not positive
    /// (<see cref="ErrorIds.WebhookMaxAgeInvalid"/>).
    /// </summary>
    public static WebhookSignatureResult Verify(
        byte[] body,
        string? signatureHeader,
        IReadOnlyList<SecureString?> secrets,
        DateTimeOffset now,
        TimeSpan maxAge,
        bool allowReserializedBody = false)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        CheckSecrets(secrets);
        if (maxAge <= TimeSpan.Zero)
        {
            throw new PsCredRotateException(
                ErrorIds.WebhookMaxAgeInvalid,
                ErrorKind.InvalidArgument,
                $"The maximum age of a webhook event must be more than zero (was {maxAge}).",
                maxAge);
        }

        byte[]? expected = ParseHeader(signatureHeader);
        if (expected is null)
        {
            return Refused(WebhookSignatureReason.SignatureMalformed);
        }

        JsonDocument? document = TryParse(body);
        try
        {
            byte[]? compact = allowReserializedBody && document is not null ? Compact(document.RootElement) : null;
            int? matched = null;
            bool matchedCompact = false;
            for (int i = 0; i < secrets.Count; i++)
            {
                byte[] key = SecretBytes(secrets[i]!);
                try
                {
                    using var hmac = new HMACSHA256(key);
                    bool raw = FixedTime.BytesEqual(hmac.ComputeHash(body), expected);
                    bool reserialized = compact is not null && FixedTime.BytesEqual(hmac.ComputeHash(compact), expected);
                    if (matched is null && (raw || reserialized))
                    {
                        matched = i;
                        matchedCompact = !raw;
                    }
                }
                finally
                {
                    SecureStrings.Clear(key);
                }
            }

            if (matched is null)
            {
                return Refused(WebhookSignatureReason.SignatureMismatch);
            }

            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new WebhookSignatureResult(WebhookSignatureReason.BodyNotJson, matched, null, null, null, null, matchedCompact);
            }

            JsonElement root = document.RootElement;
            string? eventId = StringMember(root, DfnsWebhookWire.EventId);
            string? kind = StringMember(root, DfnsWebhookWire.EventKind);
            if (!TryReadSeconds(root, out double seconds))
            {
                return new WebhookSignatureResult(WebhookSignatureReason.TimestampMissing, matched, null, null, eventId, kind, matchedCompact);
            }

            if (double.IsNaN(seconds) || seconds < MinUnixSeconds || seconds > MaxUnixSeconds)
            {
                return new WebhookSignatureResult(WebhookSignatureReason.TimestampOutsideWindow, matched, null, null, eventId, kind, matchedCompact);
            }

            DateTimeOffset sent = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000d));
            TimeSpan age = now - sent;
            WebhookSignatureReason reason = age.Duration() >= maxAge ? WebhookSignatureReason.TimestampOutsideWindow : WebhookSignatureReason.Valid;
            return new WebhookSignatureResult(reason, matched, sent, age, eventId, kind, matchedCompact);
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>
    /// The header value Dfns would send for <paramref name="body"/> signed with <paramref name="secret"/>:
    /// <c>sha256=</c> and the lowercase hex HMAC-SHA256. For rehearsing a receiver with a hand-made event.
    /// </summary>
    public static string Sign(byte[] body, SecureString secret)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        CheckSecrets(new[] { secret });
        byte[] key = SecretBytes(secret);
        try
        {
            using var hmac = new HMACSHA256(key);
            return SignaturePrefix + ToHex(hmac.ComputeHash(body));
        }
        finally
        {
            SecureStrings.Clear(key);
        }
    }

    /// <summary>The 32 bytes a well-formed header carries; null when it is not <c>sha256=</c> + 64 hex digits.</summary>
    internal static byte[]? ParseHeader(string? header)
    {
        if (header is null)
        {
            return null;
        }

        string value = header.Trim();
        if (!value.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) || value.Length != SignaturePrefix.Length + (2 * HmacSha256Length))
        {
            return null;
        }

        byte[] bytes = new byte[HmacSha256Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            int high = HexValue(value[SignaturePrefix.Length + (2 * i)]);
            int low = HexValue(value[SignaturePrefix.Length + (2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return null;
            }

            bytes[i] = (byte)((high << 4) | low);
        }

        return bytes;
    }

    /// <summary>The compact form of a parsed body: no whitespace, members in order, minimal escaping, numbers as received.</summary>
    internal static byte[] Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            element.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static void CheckSecrets(IReadOnlyList<SecureString?>? secrets)
    {
        if (secrets is null || secrets.Count == 0)
        {
            throw new PsCredRotateException(
                ErrorIds.WebhookSecretRequired,
                ErrorKind.InvalidArgument,
                "At least one webhook secret is needed to verify a webhook event (during a switch, the old and the new one).");
        }

        for (int i = 0; i < secrets.Count; i++)
        {
            if (secrets[i] is null || secrets[i]!.Length == 0)
            {
                throw new PsCredRotateException(
                    ErrorIds.WebhookSecretEmpty,
                    ErrorKind.InvalidArgument,
                    $"Webhook secret #{i} is empty; a Dfns webhook secret never is. Check where it was read from.",
                    i);
            }
        }
    }

    private static JsonDocument? TryParse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryReadSeconds(JsonElement root, out double seconds)
    {
        seconds = 0;
        if (!root.TryGetProperty(DfnsWebhookWire.TimestampSent, out JsonElement value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out seconds),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) && !double.IsInfinity(seconds),
            _ => false,
        };
    }

    private static string? StringMember(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] SecretBytes(SecureString secret)
    {
        char[] chars = SecureStrings.ToChars(secret);
        try
        {
            return new UTF8Encoding(false).GetBytes(chars);
        }
        finally
        {
            SecureStrings.Clear(chars);
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string ToHex(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
        {
            builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static WebhookSignatureResult Refused(WebhookSignatureReason reason) => new(reason, null, null, null, null, null, false);
}
