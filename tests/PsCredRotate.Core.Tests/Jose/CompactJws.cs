using System;
using System.Text;
using System.Text.Json;

namespace PsCredRotate.Core.Tests.Jose;

/// <summary>A compact JWS taken apart for inspection (test side, no Core code involved).</summary>
internal sealed class CompactJws
{
    private CompactJws(string[] segments)
    {
        Segments = segments;
        HeaderText = Encoding.UTF8.GetString(Decode(segments[0]));
        PayloadText = Encoding.UTF8.GetString(Decode(segments[1]));
        Signature = Decode(segments[2]);
        SigningInput = Encoding.ASCII.GetBytes(segments[0] + "." + segments[1]);
    }

    public string[] Segments { get; }

    public string HeaderText { get; }

    public string PayloadText { get; }

    public byte[] Signature { get; }

    public byte[] SigningInput { get; }

    public static CompactJws Parse(string compact)
    {
        string[] segments = compact.Split('.');
        Assert.Equal(3, segments.Length);
        return new CompactJws(segments);
    }

    public JsonElement Header() => JsonDocument.Parse(HeaderText).RootElement.Clone();

    public JsonElement Payload() => JsonDocument.Parse(PayloadText).RootElement.Clone();

    /// <summary>The same JWS with the payload replaced by <paramref name="payloadJson"/>, signature kept.</summary>
    public string WithPayload(string payloadJson) =>
        Segments[0] + "." + Encode(Encoding.UTF8.GetBytes(payloadJson)) + "." + Segments[2];

    private static byte[] Decode(string segment)
    {
        Assert.Matches("^[A-Za-z0-9_-]*$", segment);
        string b64 = segment.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        return Convert.FromBase64String(b64);
    }

    private static string Encode(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
