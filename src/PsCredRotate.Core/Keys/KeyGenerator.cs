using System;

namespace PsCredRotate.Core.Keys;

/// <summary>What New-RotationKey asks for.</summary>
public sealed class KeyGenerationOptions
{
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.RS256;

    /// <summary>RSA modulus bits (2048, 3072, 4096); null means 2048. Refused for EC and OKP keys.</summary>
    public int? KeySize { get; set; }

    public string? Name { get; set; }

    /// <summary>Add a self-signed X.509 certificate.</summary>
    public bool Certificate { get; set; }

    /// <summary>Certificate subject as an X.500 name; default <c>CN=&lt;Name&gt;</c> (or CN=PsCredRotate).</summary>
    public string? Subject { get; set; }

    /// <summary>End of the certificate's validity. Exclusive with <see cref="ValidFor"/>.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>Length of the certificate's validity from now. Exclusive with <see cref="NotAfter"/>.</summary>
    public TimeSpan? ValidFor { get; set; }

    /// <summary>The clock; tests set it.</summary>
    public DateTimeOffset? Now { get; set; }
}

/// <summary>Generates rotation keys (platform crypto; Ed25519 and certificates through BouncyCastle).</summary>
public static class KeyGenerator
{
    /// <summary>RSA modulus size when none is asked for.</summary>
    public const int DefaultRsaKeySize = 2048;

    public static RotationKey Generate(KeyGenerationOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        KeyAlgorithm algorithm = options.Algorithm;
        if (!Enum.IsDefined(typeof(KeyAlgorithm), algorithm))
        {
            throw new PsCredRotateException(
                ErrorIds.AlgorithmUnsupported,
                ErrorKind.InvalidArgument,
                $"The algorithm '{algorithm}' is not supported. Use one of: {string.Join(", ", Enum.GetNames(typeof(KeyAlgorithm)))}.",
                algorithm);
        }

        KeyType keyType = KeyAlgorithms.KeyTypeOf(algorithm);
        if (keyType != KeyType.RSA && options.KeySize is not null)
        {
            throw new PsCredRotateException(
                ErrorIds.KeySizeUnsupported,
                ErrorKind.InvalidArgument,
                $"KeySize applies to RSA keys only; {algorithm} uses the {KeyAlgorithms.CurveOf(algorithm)} curve, whose size is fixed. Leave KeySize out.",
                options.KeySize);
        }

        DateTimeOffset now = options.Now ?? DateTimeOffset.UtcNow;

        // Check the certificate request before spending time on key generation.
        SelfSignedCertificateRequest? request = options.Certificate ? SelfSignedCertificateRequest.From(options, now) : null;

        KeyMaterial material = Create(algorithm, options.KeySize);
        try
        {
            KeyCertificate? certificate = request is null ? null : KeyCertificate.FromDer(CertificateBuilder.Build(material, request));
            return new RotationKey(material, algorithm, options.Name, certificate, now);
        }
        catch
        {
            material.Dispose();
            throw;
        }
    }

    private static KeyMaterial Create(KeyAlgorithm algorithm, int? keySize) => KeyAlgorithms.KeyTypeOf(algorithm) switch
    {
        KeyType.RSA => RsaKeyMaterial.Generate(keySize ?? DefaultRsaKeySize),
        KeyType.OKP => Ed25519KeyMaterial.Generate(),
        _ => EcKeyMaterial.Generate(EcCurve.FromJwkName(KeyAlgorithms.CurveOf(algorithm))
            ?? throw new InvalidOperationException("No curve is registered for " + algorithm + ".")),
    };
}
