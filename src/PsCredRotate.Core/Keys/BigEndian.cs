using System;
using Org.BouncyCastle.Math;

namespace PsCredRotate.Core.Keys;

/// <summary>Unsigned big-endian integers of fixed width, as JWK, RSAParameters and ECParameters want them.</summary>
internal static class BigEndian
{
    /// <summary>The minimal unsigned big-endian encoding (no leading zero bytes; zero is one 0 byte).</summary>
    public static byte[] Unsigned(BigInteger value) => value.SignValue == 0 ? new byte[1] : value.ToByteArrayUnsigned();

    /// <summary>The unsigned encoding left-padded to <paramref name="length"/> bytes.</summary>
    public static byte[] Unsigned(BigInteger value, int length) => Pad(value.ToByteArrayUnsigned(), length);

    public static byte[] Pad(byte[] bytes, int length)
    {
        if (bytes.Length == length)
        {
            return bytes;
        }

        if (bytes.Length > length)
        {
            int extra = bytes.Length - length;
            for (int i = 0; i < extra; i++)
            {
                if (bytes[i] != 0)
                {
                    throw new ArgumentException("The integer does not fit the requested width.", nameof(bytes));
                }
            }

            byte[] trimmed = new byte[length];
            Buffer.BlockCopy(bytes, extra, trimmed, 0, length);
            return trimmed;
        }

        byte[] padded = new byte[length];
        Buffer.BlockCopy(bytes, 0, padded, length - bytes.Length, bytes.Length);
        return padded;
    }

    /// <summary>Strips leading zero bytes (keeps at least one byte).</summary>
    public static byte[] TrimLeadingZeros(byte[] bytes)
    {
        int i = 0;
        while (i < bytes.Length - 1 && bytes[i] == 0)
        {
            i++;
        }

        if (i == 0)
        {
            return bytes;
        }

        byte[] result = new byte[bytes.Length - i];
        Buffer.BlockCopy(bytes, i, result, 0, result.Length);
        return result;
    }

    public static BigInteger ToBigInteger(byte[] bytes) => new(1, bytes);
}
