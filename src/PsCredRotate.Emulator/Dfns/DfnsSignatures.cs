using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>The key types a Dfns Key credential may have.</summary>
public enum DfnsKeyType
{
    Ecdsa,
    EdDsa,
    Rsa,
}

/// <summary>
/// Verifies Key credential signatures as Dfns documents them ("generate-a-key-pair"): ECDSA as
/// ASN.1/DER, Ed25519 raw (64 bytes), RSA PKCS#1 v1.5. With no algorithm the digest is SHA-256 for
/// every EC curve and RSA, which is what Node's <c>crypto.sign(undefined, data, key)</c> (OpenSSL 3's
/// default digest) produces; the assertion's optional algorithm (SHA256, SHA384, SHA512, RSA-SHA256…)
/// picks another. The platform does ECDSA and RSA; BouncyCastle only Ed25519, which .NET 8 lacks.
/// </summary>
public static class DfnsSignatures
{
    private const string OidEc = "1.2.840.10045.2.1";
    private const string OidRsa = "1.2.840.113549.1.1.1";
    private const string OidEd25519 = "1.3.101.112";

    /// <summary>The key type of a PEM public key (SPKI "PUBLIC KEY", or PKCS#1 "RSA PUBLIC KEY").</summary>
    /// <exception cref="ArgumentException">Not a PEM public key of a supported type (the message says why).</exception>
    public static DfnsKeyType Inspect(string pem)
    {
        (DfnsKeyType type, byte[] der, bool pkcs1) = Decode(pem);
        switch (type)
        {
            case DfnsKeyType.Rsa:
                using (RSA rsa = ImportRsa(der, pkcs1))
                {
                    if (rsa.KeySize < 2048)
                    {
                        throw new ArgumentException($"RSA keys must have at least 2048 bits; this one has {rsa.KeySize}.");
                    }
                }

                break;
            case DfnsKeyType.Ecdsa:
                using (ECDsa ec = ImportEc(der))
                {
                }

                break;
            default:
                _ = ImportEd25519(der);
                break;
        }

        return type;
    }

    /// <summary>True when <paramref name="signature"/> is a valid signature by the key over <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The algorithm is unknown or the key cannot be read.</exception>
    public static bool Verify(string pem, byte[] data, byte[] signature, string? algorithm)
    {
        (DfnsKeyType type, byte[] der, bool pkcs1) = Decode(pem);
        if (type == DfnsKeyType.EdDsa)
        {
            var signer = new Ed25519Signer();
            signer.Init(false, ImportEd25519(der));
            signer.BlockUpdate(data, 0, data.Length);
            return signature.Length == 64 && signer.VerifySignature(signature);
        }

        HashAlgorithmName hash = Digest(algorithm);
        if (type == DfnsKeyType.Rsa)
        {
            using RSA rsa = ImportRsa(der, pkcs1);
            return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
        }

        using ECDsa ec = ImportEc(der);
        return ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The digest named by an assertion's algorithm; SHA-256 when none is given.</summary>
    public static HashAlgorithmName Digest(string? algorithm)
    {
        if (string.IsNullOrEmpty(algorithm))
        {
            return HashAlgorithmName.SHA256;
        }

        string name = algorithm.ToUpperInvariant().Replace("RSA-", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return name switch
        {
            "SHA256" => HashAlgorithmName.SHA256,
            "SHA384" => HashAlgorithmName.SHA384,
            "SHA512" => HashAlgorithmName.SHA512,
            _ => throw new ArgumentException($"Unsupported signature algorithm '{algorithm}'; use SHA256, SHA384 or SHA512 (or none)."),
        };
    }

    private static (DfnsKeyType Type, byte[] Der, bool Pkcs1) Decode(string pem)
    {
        if (string.IsNullOrWhiteSpace(pem) || !PemEncoding.TryFind(pem, out PemFields fields))
        {
            throw new ArgumentException("The public key is not PEM.");
        }

        string label = pem[fields.Label];
        byte[] der;
        try
        {
            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The public key PEM holds invalid base64.");
        }

        if (label == "RSA PUBLIC KEY")
        {
            return (DfnsKeyType.Rsa, der, true);
        }

        if (label != "PUBLIC KEY")
        {
            throw new ArgumentException($"Expected a PEM public key (PUBLIC KEY or RSA PUBLIC KEY), got '{label}'.");
        }

        string oid;
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader spki = reader.ReadSequence();
            AsnReader algorithm = spki.ReadSequence();
            oid = algorithm.ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            throw new ArgumentException("The public key is not a valid SubjectPublicKeyInfo.");
        }

        return oid switch
        {
            OidEc => (DfnsKeyType.Ecdsa, der, false),
            OidRsa => (DfnsKeyType.Rsa, der, false),
            OidEd25519 => (DfnsKeyType.EdDsa, der, false),
            _ => throw new ArgumentException($"Unsupported key algorithm {oid}; Dfns Key credentials are ECDSA, EdDSA (Ed25519) or RSA."),
        };
    }

    private static RSA ImportRsa(byte[] der, bool pkcs1)
    {
        var rsa = RSA.Create();
        try
        {
            if (pkcs1)
            {
                rsa.ImportRSAPublicKey(der, out _);
            }
            else
            {
                rsa.ImportSubjectPublicKeyInfo(der, out _);
            }

            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new ArgumentException("The RSA public key cannot be read.");
        }
    }

    private static ECDsa ImportEc(byte[] der)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportSubjectPublicKeyInfo(der, out _);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
            throw new ArgumentException("The EC public key cannot be read (unknown curve or invalid point).");
        }
    }

    private static Ed25519PublicKeyParameters ImportEd25519(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader spki = reader.ReadSequence();
            spki.ReadSequence();
            byte[] key = spki.ReadBitString(out int unused);
            if (unused != 0 || key.Length != Ed25519PublicKeyParameters.KeySize)
            {
                throw new ArgumentException("The Ed25519 public key must be 32 bytes.");
            }

            return new Ed25519PublicKeyParameters(key, 0);
        }
        catch (AsnContentException)
        {
            throw new ArgumentException("The Ed25519 public key cannot be read.");
        }
    }
}
