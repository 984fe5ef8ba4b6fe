using System;
using System.Security.Cryptography;

namespace PsCredRotate.Core.Keys;

/// <summary>Facts about each <see cref="KeyAlgorithm"/>: key type, curve, hash.</summary>
public static class KeyAlgorithms
{
    public const string CurveP256 = "P-256";
    public const string CurveP384 = "P-384";
    public const string CurveP521 = "P-521";
    public const string CurveEd25519 = "Ed25519";

    /// <summary>RSA modulus sizes New-RotationKey generates.</summary>
    public static readonly int[] RsaGenerationSizes = { 2048, 3072, 4096 };

    /// <summary>The smallest RSA modulus accepted anywhere (generation or import).</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>The largest RSA modulus accepted on import.</summary>
    public const int MaximumRsaKeySize = 16384;

    public static KeyType KeyTypeOf(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.ES256 or KeyAlgorithm.ES384 or KeyAlgorithm.ES512 => KeyType.EC,
        KeyAlgorithm.EdDSA => KeyType.OKP,
        _ => KeyType.RSA,
    };

    /// <summary>The JWK curve name the algorithm requires, or null for RSA.</summary>
    public static string? CurveOf(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.ES256 => CurveP256,
        KeyAlgorithm.ES384 => CurveP384,
        KeyAlgorithm.ES512 => CurveP521,
        KeyAlgorithm.EdDSA => CurveEd25519,
        _ => null,
    };

    public static HashAlgorithmName HashOf(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.RS256 or KeyAlgorithm.PS256 or KeyAlgorithm.ES256 => HashAlgorithmName.SHA256,
        KeyAlgorithm.RS384 or KeyAlgorithm.PS384 or KeyAlgorithm.ES384 => HashAlgorithmName.SHA384,
        KeyAlgorithm.RS512 or KeyAlgorithm.PS512 or KeyAlgorithm.ES512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "EdDSA has no separate hash."),
    };

    public static bool IsPss(KeyAlgorithm algorithm) =>
        algorithm is KeyAlgorithm.PS256 or KeyAlgorithm.PS384 or KeyAlgorithm.PS512;

    /// <summary>The algorithm a key of this type and curve signs with when none is asked for.</summary>
    public static KeyAlgorithm DefaultFor(KeyType keyType, string? curve) => keyType switch
    {
        KeyType.RSA => KeyAlgorithm.RS256,
        KeyType.OKP => KeyAlgorithm.EdDSA,
        _ => curve switch
        {
            CurveP384 => KeyAlgorithm.ES384,
            CurveP521 => KeyAlgorithm.ES512,
            _ => KeyAlgorithm.ES256,
        },
    };

    /// <summary>Parses an algorithm name case-insensitively ("rs256", "EdDSA"); refuses anything else.</summary>
    public static KeyAlgorithm Parse(string name)
    {
        if (!string.IsNullOrWhiteSpace(name)
            && Enum.TryParse(name.Trim(), ignoreCase: true, out KeyAlgorithm value)
            && Enum.IsDefined(typeof(KeyAlgorithm), value)
            && !int.TryParse(name.Trim(), out _))
        {
            return value;
        }

        throw new PsCredRotateException(
            ErrorIds.AlgorithmUnsupported,
            ErrorKind.InvalidArgument,
            $"The algorithm '{name}' is not supported. Use one of: {string.Join(", ", Enum.GetNames(typeof(KeyAlgorithm)))}.",
            name);
    }
}
