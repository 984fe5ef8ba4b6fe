using System;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// PBKDF2 (RFC 8018 §5.2) for PKCS#8 encryption. The platform's implementation is several times
/// faster than managed code, which matters at 600,000 iterations, but netstandard2.0 cannot name
/// the constructor that takes a hash; it is found once by reflection (present on .NET Core 2.0+
/// and .NET Framework 4.7.2+), with BouncyCastle as the fallback and for SHA-224.
/// </summary>
internal static class Pbkdf2
{
    /// <summary>Iterations used when PsCredRotate encrypts a key (OWASP 2023 figure for PBKDF2-HMAC-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    private static readonly ConstructorInfo? PlatformConstructor = typeof(Rfc2898DeriveBytes).GetConstructor(
        new[] { typeof(byte[]), typeof(byte[]), typeof(int), typeof(HashAlgorithmName) });

    /// <summary>Derives <paramref name="length"/> bytes. The password is taken as UTF-8, as OpenSSL does.</summary>
    public static byte[] DeriveKey(char[] password, byte[] salt, int iterations, string prfHashName, int length)
    {
        if (iterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations));
        }

        byte[] passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            if (PlatformConstructor is not null && prfHashName != "SHA224")
            {
                using var kdf = (Rfc2898DeriveBytes)PlatformConstructor.Invoke(new object[] { passwordBytes, salt, iterations, new HashAlgorithmName(prfHashName) });
                return kdf.GetBytes(length);
            }

            var generator = new Pkcs5S2ParametersGenerator(Digest(prfHashName));
            generator.Init(passwordBytes, salt, iterations);
            return ((KeyParameter)generator.GenerateDerivedMacParameters(length * 8)).GetKey();
        }
        finally
        {
            SecureStrings.Clear(passwordBytes);
        }
    }

    private static IDigest Digest(string name) => name switch
    {
        "SHA1" => new Sha1Digest(),
        "SHA224" => new Sha224Digest(),
        "SHA256" => new Sha256Digest(),
        "SHA384" => new Sha384Digest(),
        "SHA512" => new Sha512Digest(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unsupported PBKDF2 PRF."),
    };
}
