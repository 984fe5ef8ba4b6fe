using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// The TLS certificate for --https: ECDSA P-256, self-signed, CN=PsCredRotate Emulator, SAN
/// IP 127.0.0.1, IP ::1 and DNS localhost, server authentication, valid from five minutes ago for
/// 30 days of real time (TLS clients check real time, not the emulator's clock). A new key at every start.
/// </summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=PsCredRotate Emulator", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        // SChannel needs a key it can find through a key container; a PFX round trip gives it one.
        using (certificate)
        {
            return new X509Certificate2(certificate.Export(X509ContentType.Pfx), (string?)null, X509KeyStorageFlags.Exportable);
        }
    }

    /// <summary>Writes the public certificate (never the key) as PEM, replacing the file atomically.</summary>
    public static void WritePem(X509Certificate2 certificate, string path)
    {
        string full = Path.GetFullPath(path);
        string temp = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, certificate.ExportCertificatePem() + "\n");
        File.Move(temp, full, overwrite: true);
    }
}
