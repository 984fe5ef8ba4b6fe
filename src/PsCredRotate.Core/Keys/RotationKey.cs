using System;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// A key for rotation: its public facts and, when <see cref="HasPrivateKey"/>, the private half,
/// which no property, ToString or serializer can reach (only Export-RotationKey, on request).
/// <see cref="Kid"/> is the RFC 7638 SHA-256 thumbprint, the name Auth0 gives the credential.
/// </summary>
public sealed class RotationKey : IDisposable
{
    internal RotationKey(KeyMaterial material, KeyAlgorithm algorithm, string? name, KeyCertificate? certificate, DateTimeOffset createdAt)
    {
        Material = material ?? throw new ArgumentNullException(nameof(material));
        if (!material.Supports(algorithm))
        {
            throw new PsCredRotateException(
                ErrorIds.AlgorithmKeyMismatch,
                ErrorKind.InvalidArgument,
                $"A {DescribeKey(material)} key cannot sign with {algorithm}. Use {KeyAlgorithms.DefaultFor(material.KeyType, material.Curve)}{(material.KeyType == KeyType.RSA ? " (or RS384, RS512, PS256, PS384, PS512)" : string.Empty)}.",
                algorithm);
        }

        if (certificate is not null && !certificate.Matches(material))
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateKeyMismatch,
                ErrorKind.InvalidData,
                $"The certificate '{certificate.Subject}' does not hold this key's public key.",
                certificate.Sha1Thumbprint);
        }

        Algorithm = algorithm;
        Name = string.IsNullOrWhiteSpace(name) ? null : name;
        CertificateInfo = certificate;
        CreatedAt = createdAt;
        Kid = JwkThumbprint.Compute(material);
        PublicKeyPem = Pem.Encode(Pem.PublicKeyLabel, material.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A label for people; not sent anywhere unless a cmdlet uses it as a credential name.</summary>
    public string? Name { get; }

    /// <summary>RFC 7638 SHA-256 JWK thumbprint, base64url (the kid Auth0 assigns).</summary>
    public string Kid { get; }

    public KeyAlgorithm Algorithm { get; }

    public KeyType KeyType => Material.KeyType;

    /// <summary>RSA modulus size in bits; null for EC and OKP keys.</summary>
    public int? KeySize => Material.KeySize;

    /// <summary>P-256, P-384, P-521 or Ed25519; null for RSA.</summary>
    public string? Curve => Material.Curve;

    /// <summary>The public key as PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").</summary>
    public string PublicKeyPem { get; }

    public string? CertificatePem => CertificateInfo?.Pem;

    /// <summary>Upper-case hex SHA-1 of the certificate, as Auth0 shows it.</summary>
    public string? CertificateThumbprint => CertificateInfo?.Sha1Thumbprint;

    /// <summary>base64url SHA-256 of the certificate (x5t#S256).</summary>
    public string? CertificateThumbprintSha256 => CertificateInfo?.Sha256Thumbprint;

    /// <summary>Start of the certificate's validity; null without a certificate.</summary>
    public DateTimeOffset? NotBefore => CertificateInfo?.NotBefore;

    /// <summary>End of the certificate's validity; null without a certificate.</summary>
    public DateTimeOffset? NotAfter => CertificateInfo?.NotAfter;

    /// <summary>When the key was generated, or imported into this session.</summary>
    public DateTimeOffset CreatedAt { get; }

    public bool HasPrivateKey => Material.HasPrivateKey;

    internal KeyMaterial Material { get; }

    internal KeyCertificate? CertificateInfo { get; }

    /// <summary>Never shows key material.</summary>
    public override string ToString() =>
        $"{(Name is null ? string.Empty : Name + " ")}{Algorithm} {(Material.KeyType == KeyType.RSA ? "RSA-" + KeySize : Curve)} kid={Kid}{(HasPrivateKey ? " (private)" : " (public)")}";

    /// <summary>A copy holding only the public half (and the certificate).</summary>
    public RotationKey ToPublicKey() => new(Material.PublicOnly(), Algorithm, Name, CertificateInfo, CreatedAt);

    public void Dispose() => Material.Dispose();

    internal static string DescribeKey(KeyMaterial material) =>
        material.KeyType == KeyType.RSA ? $"RSA-{material.KeySize}" : material.Curve ?? material.KeyType.ToString();
}
