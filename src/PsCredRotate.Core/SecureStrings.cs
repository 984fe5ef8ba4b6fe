using System;
using System.Runtime.InteropServices;
using System.Security;

namespace PsCredRotate.Core;

/// <summary>Moves secrets between SecureString and short-lived buffers that the caller clears.</summary>
public static class SecureStrings
{
    /// <summary>The characters of a SecureString in a new array; clear it with <see cref="Clear"/> after use.</summary>
    public static char[] ToChars(SecureString value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
        try
        {
            char[] chars = new char[value.Length];
            Marshal.Copy(ptr, chars, 0, chars.Length);
            return chars;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(ptr);
        }
    }

    /// <summary>A read-only SecureString holding the text.</summary>
    public static SecureString FromString(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var secure = new SecureString();
        foreach (char c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public static void Clear(char[]? chars)
    {
        if (chars is not null)
        {
            Array.Clear(chars, 0, chars.Length);
        }
    }

    public static void Clear(byte[]? bytes)
    {
        if (bytes is not null)
        {
            Array.Clear(bytes, 0, bytes.Length);
        }
    }
}
