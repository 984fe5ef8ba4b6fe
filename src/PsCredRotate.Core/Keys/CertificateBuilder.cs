using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace PsCredRotate.Core.Keys;

/// <summary>Builds self-signed X.509 v3 certificates for generated keys (BouncyCastle).</summary>
internal static class CertificateBuilder
{
    /// <summary>The DER of a self-signed certificate over the material's public key.</summary>
    public static byte[] Build(KeyMaterial material, SelfSignedCertificateRequest request)
    {
        AsymmetricKeyParameter publicKey = material.ToBouncyCastlePublic();
        var random = new SecureRandom();
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(RandomSerial(random));
        generator.SetIssuerDN(request.Subject);
        generator.SetSubjectDN(request.Subject);
        generator.SetNotBefore(request.NotBefore);
        generator.SetNotAfter(request.NotAfter);
        generator.SetPublicKey(publicKey);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifierStructure(publicKey));

        ISignatureFactory signer = material.KeyType == KeyType.OKP
            ? new Ed25519SignatureFactory((Ed25519PrivateKeyParameters)material.ToBouncyCastlePrivate())
            : new Asn1SignatureFactory(SignatureAlgorithm(material), material.ToBouncyCastlePrivate(), random);
        return generator.Generate(signer).GetEncoded();
    }

    /// <summary>BouncyCastle's name for the certificate signature algorithm that fits the key.</summary>
    internal static string SignatureAlgorithm(KeyMaterial material) => material.KeyType switch
    {
        // PS* keys too: PKCS#1 v1.5 certificates are what every peer reads.
        KeyType.RSA => "SHA256WITHRSA",
        KeyType.OKP => "Ed25519", // signed by Ed25519SignatureFactory; BouncyCastle 1.8's factory lacks it
        _ => material.Curve switch
        {
            KeyAlgorithms.CurveP384 => "SHA384WITHECDSA",
            KeyAlgorithms.CurveP521 => "SHA512WITHECDSA",
            _ => "SHA256WITHECDSA",
        },
    };

    /// <summary>
    /// A serial with 126 random bits; the top two bits are fixed to 01, so it is positive, exactly
    /// 127 bits long and 16 octets in DER (RFC 5280 §4.1.2.2: positive, at most 20 octets).
    /// </summary>
    private static BigInteger RandomSerial(SecureRandom random)
    {
        byte[] bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[0] &= 0x7F;
        bytes[0] |= 0x40;
        return new BigInteger(1, bytes);
    }
}
