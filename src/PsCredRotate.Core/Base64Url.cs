using System;

namespace PsCredRotate.Core;

/// <summary>RFC 4648 §5 base64url without padding, as JOSE uses it.</summary>
public static class Base64Url
{
    public static string Encode(byte[] data)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        return Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes base64url; returns false for any character outside the alphabet or a bad length.</summary>
    public static bool TryDecode(string? text, out byte[] data)
    {
        data = Array.Empty<byte>();
        if (text is null)
        {
            return false;
        }

        if (text.Length % 4 == 1)
        {
            return false;
        }

        foreach (char c in text)
        {
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok)
            {
                return false;
            }
        }

        string b64 = text.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        try
        {
            data = Convert.FromBase64String(b64);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
