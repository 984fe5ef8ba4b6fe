using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Security.Certificates;
using Org.BouncyCastle.X509;

namespace PsCredRotate.Core.Keys;

/// <summary>An X.509 certificate carried with a key, and the figures Auth0 shows for it.</summary>
internal sealed class KeyCertificate
{
    private KeyCertificate(byte[] der, X509Certificate certificate)
    {
        Der = der;
        Certificate = certificate;
        Pem = Keys.Pem.Encode(Keys.Pem.CertificateLabel, der);
        using (var sha1 = SHA1.Create())
        {
            Sha1Thumbprint = ToUpperHex(sha1.ComputeHash(der));
        }

        using (var sha256 = SHA256.Create())
        {
            Sha256Thumbprint = Base64Url.Encode(sha256.ComputeHash(der));
        }

        NotBefore = new DateTimeOffset(DateTime.SpecifyKind(certificate.NotBefore.ToUniversalTime(), DateTimeKind.Utc));
        NotAfter = new DateTimeOffset(DateTime.SpecifyKind(certificate.NotAfter.ToUniversalTime(), DateTimeKind.Utc));
        Subject = certificate.SubjectDN.ToString();
    }

    public byte[] Der { get; }

    internal X509Certificate Certificate { get; }

    public string Pem { get; }

    /// <summary>Upper-case hex SHA-1 of the DER, as Auth0 and Windows show it.</summary>
    public string Sha1Thumbprint { get; }

    /// <summary>base64url SHA-256 of the DER (JWK <c>x5t#S256</c>).</summary>
    public string Sha256Thumbprint { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public string Subject { get; }

    /// <summary>Parses one DER certificate; malformed input gets <see cref="ErrorIds.CertificateMalformed"/>.</summary>
    public static KeyCertificate FromDer(byte[] der)
    {
        try
        {
            X509Certificate? cert = new X509CertificateParser().ReadCertificate(der);
            if (cert is null)
            {
                throw new PsCredRotateException(ErrorIds.CertificateMalformed, ErrorKind.InvalidData, "The certificate could not be read.");
            }

            return new KeyCertificate(cert.GetEncoded(), cert);
        }
        catch (Exception ex) when (ex is CertificateException or ArgumentException or InvalidOperationException or System.IO.IOException or FormatException or InvalidCastException)
        {
            throw new PsCredRotateException(ErrorIds.CertificateMalformed, ErrorKind.InvalidData, "The certificate is malformed: it is not a DER-encoded X.509 certificate.", null, ex);
        }
    }

    /// <summary>The certificate's public key as key material (size and curve checked).</summary>
    public KeyMaterial PublicKey() => KeyMaterial.FromBouncyCastle(Certificate.GetPublicKey());

    /// <summary>True when the certificate carries exactly this public key (same RFC 7638 thumbprint).</summary>
    public bool Matches(KeyMaterial material)
    {
        using KeyMaterial certKey = PublicKey();
        return string.Equals(JwkThumbprint.Compute(certKey), JwkThumbprint.Compute(material), StringComparison.Ordinal);
    }

    private static string ToUpperHex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
        {
            sb.Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
