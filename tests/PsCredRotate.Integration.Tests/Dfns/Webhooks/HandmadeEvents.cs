using System.Security.Cryptography;
using System.Text;

namespace PsCredRotate.Integration.Tests.Dfns.Webhooks;

/// <summary>Events built and signed in the test (with .NET's HMACSHA256, not Core's code), for replays and forgeries.</summary>
internal static class HandmadeEvents
{
    public static byte[] Event(DateTimeOffset sent, string kind = "wallet.created") =>
        Encoding.UTF8.GetBytes(
            "{\"id\":\"whe-" + Guid.NewGuid().ToString("N") + "\",\"kind\":\"" + kind + "\",\"date\":\"" + sent.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)
            + "\",\"data\":{\"wallet\":{\"id\":\"wa-1\"}},\"status\":\"200\",\"timestampSent\":" + sent.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "}");

    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    /// <summary>The body with one byte changed inside the data (the wallet id).</summary>
    public static byte[] Tamper(byte[] body)
    {
        byte[] copy = (byte[])body.Clone();
        int at = Encoding.UTF8.GetString(copy).IndexOf("wa-", StringComparison.Ordinal);
        if (at < 0)
        {
            at = copy.Length / 2;
        }

        copy[at + 1] = (byte)(copy[at + 1] == (byte)'a' ? 'b' : 'a');
        return copy;
    }
}
