using System;
using System.Text;

namespace PsCredRotate.Core.Keys;

/// <summary>RFC 7468 textual encoding (writing). Parsing lives with the importer.</summary>
internal static class Pem
{
    public const string PublicKeyLabel = "PUBLIC KEY";
    public const string PrivateKeyLabel = "PRIVATE KEY";
    public const string EncryptedPrivateKeyLabel = "ENCRYPTED PRIVATE KEY";
    public const string RsaPrivateKeyLabel = "RSA PRIVATE KEY";
    public const string RsaPublicKeyLabel = "RSA PUBLIC KEY";
    public const string EcPrivateKeyLabel = "EC PRIVATE KEY";
    public const string CertificateLabel = "CERTIFICATE";

    /// <summary>Strict RFC 7468 form: 64-character lines, LF line ends, trailing newline.</summary>
    public static string Encode(string label, byte[] der)
    {
        string b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder(b64.Length + (b64.Length / 64) + (2 * label.Length) + 40);
        sb.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (int i = 0; i < b64.Length; i += 64)
        {
            sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        }

        sb.Append("-----END ").Append(label).Append("-----\n");
        return sb.ToString();
    }
}
