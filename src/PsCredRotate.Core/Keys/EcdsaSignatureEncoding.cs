using System;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// ECDSA signatures in the two forms in use: IEEE P1363 (r‖s, fixed length, what JOSE and the
/// platform's SignData produce) and the DER SEQUENCE { INTEGER r, INTEGER s } of RFC 3279 (what
/// OpenSSL and Node's crypto.sign produce, and what Dfns expects).
/// </summary>
internal static class EcdsaSignatureEncoding
{
    /// <summary>r‖s (two equal halves) as DER.</summary>
    public static byte[] ToDer(byte[] p1363)
    {
        if (p1363 is null)
        {
            throw new ArgumentNullException(nameof(p1363));
        }

        if (p1363.Length == 0 || p1363.Length % 2 != 0)
        {
            throw new ArgumentException("An r‖s signature has two halves of equal length.", nameof(p1363));
        }

        int half = p1363.Length / 2;
        byte[] r = Integer(p1363, 0, half);
        byte[] s = Integer(p1363, half, half);
        int content = r.Length + s.Length;
        byte[] length = Length(content);
        byte[] der = new byte[1 + length.Length + content];
        der[0] = 0x30;
        Buffer.BlockCopy(length, 0, der, 1, length.Length);
        Buffer.BlockCopy(r, 0, der, 1 + length.Length, r.Length);
        Buffer.BlockCopy(s, 0, der, 1 + length.Length + r.Length, s.Length);
        return der;
    }

    /// <summary>DER back to r‖s with halves of <paramref name="fieldBytes"/>; null when the DER is not a well-formed signature of that size.</summary>
    public static byte[]? FromDer(byte[] der, int fieldBytes)
    {
        if (der is null || der.Length < 8 || der[0] != 0x30)
        {
            return null;
        }

        int at = 1;
        if (!ReadLength(der, ref at, out int sequence) || at + sequence != der.Length)
        {
            return null;
        }

        byte[] result = new byte[2 * fieldBytes];
        for (int part = 0; part < 2; part++)
        {
            if (at >= der.Length || der[at++] != 0x02 || !ReadLength(der, ref at, out int length) || length == 0 || at + length > der.Length)
            {
                return null;
            }

            int start = at;
            int count = length;
            while (count > 1 && der[start] == 0)
            {
                start++;
                count--;
            }

            if (count > fieldBytes)
            {
                return null;
            }

            Buffer.BlockCopy(der, start, result, (part * fieldBytes) + fieldBytes - count, count);
            at += length;
        }

        return at == der.Length ? result : null;
    }

    private static byte[] Integer(byte[] source, int offset, int count)
    {
        int start = offset;
        int end = offset + count;
        while (start < end - 1 && source[start] == 0)
        {
            start++;
        }

        int length = end - start;
        bool pad = (source[start] & 0x80) != 0;
        int valueLength = length + (pad ? 1 : 0);
        byte[] lengthBytes = Length(valueLength);
        byte[] result = new byte[1 + lengthBytes.Length + valueLength];
        result[0] = 0x02;
        Buffer.BlockCopy(lengthBytes, 0, result, 1, lengthBytes.Length);
        Buffer.BlockCopy(source, start, result, 1 + lengthBytes.Length + (pad ? 1 : 0), length);
        return result;
    }

    private static byte[] Length(int length) =>
        length < 0x80 ? new[] { (byte)length }
        : length < 0x100 ? new[] { (byte)0x81, (byte)length }
        : new[] { (byte)0x82, (byte)(length >> 8), (byte)length };

    private static bool ReadLength(byte[] der, ref int at, out int length)
    {
        length = 0;
        if (at >= der.Length)
        {
            return false;
        }

        byte first = der[at++];
        if (first < 0x80)
        {
            length = first;
            return true;
        }

        int count = first & 0x7F;
        if (count == 0 || count > 2 || at + count > der.Length)
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            length = (length << 8) | der[at++];
        }

        return true;
    }
}
