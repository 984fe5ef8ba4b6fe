using System.Runtime.CompilerServices;

namespace PsCredRotate.Core.Dfns.Webhooks;

/// <summary>
/// Comparison of secret-derived bytes in time that depends only on the length, not on where the
/// first difference is (netstandard2.0 has no CryptographicOperations.FixedTimeEquals). A length
/// difference is not a secret here: an HMAC-SHA256 is always 32 bytes.
/// </summary>
internal static class FixedTime
{
    /// <summary>True when both arrays hold the same bytes; every byte is read whatever the contents.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    public static bool BytesEqual(byte[] left, byte[] right)
    {
        if (left is null || right is null || left.Length != right.Length)
        {
            return false;
        }

        int difference = 0;
        for (int i = 0; i < left.Length; i++)
        {
            difference |= left[i] ^ right[i];
        }

        return difference == 0;
    }
}
