using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PsCredRotate.Emulator.Auth0.Crypto;

/// <summary>A freshly generated RSA key with its self-signed certificate, in the forms Auth0 shows.</summary>
public sealed record GeneratedKey(string PrivateKeyPem, string CertPem, string Pkcs7Pem, byte[] CertDer, RSAParameters PublicParameters);

/// <summary>Key generation, certificates, thumbprints and ids, with the platform's crypto only.</summary>
public static class KeyMaterial
{
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A 2048-bit RSA key and a self-signed sha256WithRSA certificate for <paramref name="subjectCn"/>.</summary>
    public static GeneratedKey NewRsaWithCertificate(string subjectCn, DateTimeOffset now, TimeSpan validFor)
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + subjectCn), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(now.AddMinutes(-1), now + validFor);
        byte[] der = cert.RawData;
        var collection = new X509Certificate2Collection(cert);
        byte[] pkcs7 = collection.Export(X509ContentType.Pkcs7) ?? Array.Empty<byte>();
        return new GeneratedKey(
            rsa.ExportPkcs8PrivateKeyPem(),
            Crlf(PemEncoding.WriteString("CERTIFICATE", der)) + "\r\n",
            Crlf(PemEncoding.WriteString("PKCS7", pkcs7)) + "\r\n",
            der,
            rsa.ExportParameters(false));
    }

    /// <summary>PEM with CRLF line breaks, as Auth0 writes certificates.</summary>
    public static string Crlf(string pem) => pem.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

    public static string Sha1Hex(byte[] der) => Convert.ToHexString(SHA1.HashData(der));

    /// <summary>Colon-separated upper-case hex, e.g. CC:FB:DD:...</summary>
    public static string Colons(string hex)
    {
        var sb = new StringBuilder(hex.Length * 3 / 2);
        for (int i = 0; i < hex.Length; i += 2)
        {
            if (i > 0)
            {
                sb.Append(':');
            }

            sb.Append(hex, i, 2);
        }

        return sb.ToString();
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        string s = text.Replace('-', '+').Replace('_', '/');
        s = (s.Length % 4) switch
        {
            2 => s + "==",
            3 => s + "=",
            0 => s,
            _ => throw new FormatException("Not base64url."),
        };
        return Convert.FromBase64String(s);
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key.</summary>
    public static string JwkThumbprint(RSAParameters p)
    {
        string canonical = "{\"e\":\"" + Base64Url(Trim(p.Exponent!)) + "\",\"kty\":\"RSA\",\"n\":\"" + Base64Url(Trim(p.Modulus!)) + "\"}";
        return Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Big-endian integer without leading zero bytes.</summary>
    public static byte[] Trim(byte[] value)
    {
        int i = 0;
        while (i < value.Length - 1 && value[i] == 0)
        {
            i++;
        }

        return i == 0 ? value : value[i..];
    }

    /// <summary>"cred_" style ids: 22 base58 characters.</summary>
    public static string Base58Id(int length = 22) => RandomString(Base58, length);

    public static string AlphanumericId(int length) => RandomString(Alphanumeric, length);

    /// <summary>A client secret: 64 URL-safe characters (not base64-encoded, as Auth0's).</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(48));

    private static string RandomString(string alphabet, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>ISO 8601 with milliseconds and Z, as Auth0 writes timestamps.</summary>
    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Drops sub-millisecond precision (what Auth0 keeps).</summary>
    public static DateTimeOffset Millis(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
