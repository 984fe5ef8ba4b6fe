using System;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace PsCredRotate.Core.Keys;

/// <summary>The DER structures the importer reads.</summary>
internal enum DerKind
{
    PrivateKeyInfo,
    EncryptedPrivateKeyInfo,
    RsaPrivateKey,
    EcPrivateKey,
    SubjectPublicKeyInfo,
    RsaPublicKey,
    Certificate,
}

/// <summary>
/// Parses DER keys through BouncyCastle and hands them to <see cref="KeyMaterial.FromBouncyCastle"/>
/// (which checks type, size and curve). Every parse failure becomes KeyDerMalformed, with the
/// original exception kept as the inner one and no key bytes in the message.
/// </summary>
internal static class DerKeyReader
{
    /// <summary>Recognises a bare DER structure by its shape (no label tells us what it is).</summary>
    public static DerKind Classify(byte[] der)
    {
        Asn1Object asn1;
        try
        {
            asn1 = Asn1Object.FromByteArray(der);
        }
        catch (Exception ex) when (ex is not PsCredRotateException)
        {
            if (der.Length > 0 && der[0] == 0x30)
            {
                throw Malformed("The input looks like DER but cannot be decoded: it is truncated or damaged.", ex);
            }

            throw Unrecognized(ex);
        }

        if (asn1 is Asn1Sequence seq && seq.Count >= 2)
        {
            Asn1Encodable first = seq[0];
            Asn1Encodable second = seq[1];
            if (first is DerInteger)
            {
                if (seq.Count >= 3 && second is Asn1Sequence && seq[2] is Asn1OctetString)
                {
                    return DerKind.PrivateKeyInfo;
                }

                if (seq.Count >= 9)
                {
                    return DerKind.RsaPrivateKey;
                }

                if (second is Asn1OctetString)
                {
                    return DerKind.EcPrivateKey;
                }

                if (seq.Count == 2 && second is DerInteger)
                {
                    return DerKind.RsaPublicKey;
                }
            }
            else if (first is Asn1Sequence)
            {
                if (seq.Count == 2 && second is DerBitString)
                {
                    return DerKind.SubjectPublicKeyInfo;
                }

                if (seq.Count == 2 && second is Asn1OctetString)
                {
                    return DerKind.EncryptedPrivateKeyInfo;
                }

                if (seq.Count == 3 && second is Asn1Sequence && seq[2] is DerBitString)
                {
                    return DerKind.Certificate;
                }
            }
        }

        throw Unrecognized(null);
    }

    /// <summary>PKCS#8 PrivateKeyInfo (RFC 5208 / 5958).</summary>
    public static KeyMaterial ReadPrivateKeyInfo(byte[] der) =>
        KeyMaterial.FromBouncyCastle(Parse("PKCS#8 private key", () => PrivateKeyFactory.CreateKey(der)));

    /// <summary>X.509 SubjectPublicKeyInfo ("PUBLIC KEY").</summary>
    public static KeyMaterial ReadSubjectPublicKeyInfo(byte[] der) =>
        KeyMaterial.FromBouncyCastle(Parse("public key", () => PublicKeyFactory.CreateKey(der)));

    /// <summary>PKCS#1 RSAPrivateKey ("RSA PRIVATE KEY").</summary>
    public static KeyMaterial ReadRsaPrivateKey(byte[] der) =>
        KeyMaterial.FromBouncyCastle(Parse("PKCS#1 RSA private key", () =>
        {
            RsaPrivateKeyStructure s = RsaPrivateKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
            return new RsaPrivateCrtKeyParameters(s.Modulus, s.PublicExponent, s.PrivateExponent, s.Prime1, s.Prime2, s.Exponent1, s.Exponent2, s.Coefficient);
        }));

    /// <summary>PKCS#1 RSAPublicKey ("RSA PUBLIC KEY").</summary>
    public static KeyMaterial ReadRsaPublicKey(byte[] der) =>
        KeyMaterial.FromBouncyCastle(Parse("PKCS#1 RSA public key", () =>
        {
            RsaPublicKeyStructure s = RsaPublicKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
            return new RsaKeyParameters(false, s.Modulus, s.PublicExponent);
        }));

    /// <summary>SEC1 ECPrivateKey ("EC PRIVATE KEY"); the curve must be named in the structure.</summary>
    public static KeyMaterial ReadEcPrivateKey(byte[] der) =>
        KeyMaterial.FromBouncyCastle(Parse("SEC1 EC private key", () =>
        {
            ECPrivateKeyStructure s = ECPrivateKeyStructure.GetInstance(Asn1Object.FromByteArray(der));
            Asn1Object? curve = s.GetParameters();
            if (curve is null)
            {
                throw new ArgumentException("The SEC1 key does not name its curve.");
            }

            var info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, curve), s);
            return PrivateKeyFactory.CreateKey(info);
        }));

    /// <summary>A certificate; malformed ones get CertificateMalformed.</summary>
    public static KeyCertificate ReadCertificate(byte[] der) => KeyCertificate.FromDer(der);

    private static AsymmetricKeyParameter Parse(string what, Func<AsymmetricKeyParameter> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is not PsCredRotateException)
        {
            throw Malformed($"The {what} is malformed: its DER encoding cannot be read (truncated, damaged or not a key).", ex);
        }
    }

    private static PsCredRotateException Malformed(string message, Exception inner) =>
        new(ErrorIds.KeyDerMalformed, ErrorKind.InvalidData, message, null, inner);

    internal static PsCredRotateException Unrecognized(Exception? inner) => new(
        ErrorIds.KeyFormatUnrecognized,
        ErrorKind.InvalidData,
        "The input is not a recognised key format. Import-RotationKey reads PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, SPKI, certificates), DER and JWK/JWKS. For an OpenSSH public key ('ssh-rsa ...'), convert it with 'ssh-keygen -e -m PKCS8 -f <file>'.",
        null,
        inner);
}
