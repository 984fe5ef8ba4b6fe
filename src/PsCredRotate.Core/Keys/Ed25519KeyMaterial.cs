using System;
using System.Collections.Generic;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PsCredRotate.Core.Keys;

/// <summary>An Ed25519 key (RFC 8037 OKP). netstandard2.0 has no Ed25519, so BouncyCastle holds it.</summary>
internal sealed class Ed25519KeyMaterial : KeyMaterial
{
    private readonly Ed25519PublicKeyParameters _public;
    private readonly Ed25519PrivateKeyParameters? _private;

    public Ed25519KeyMaterial(Ed25519PublicKeyParameters publicKey, Ed25519PrivateKeyParameters? privateKey)
    {
        _public = publicKey ?? throw new ArgumentNullException(nameof(publicKey));
        _private = privateKey;
    }

    public override KeyType KeyType => KeyType.OKP;

    public override bool HasPrivateKey => _private is not null;

    public override string? Curve => KeyAlgorithms.CurveEd25519;

    public static Ed25519KeyMaterial Generate()
    {
        var priv = new Ed25519PrivateKeyParameters(new SecureRandom());
        return new Ed25519KeyMaterial(priv.GeneratePublicKey(), priv);
    }

    /// <summary>From raw 32-byte values (JWK x and d). A private key must match the public one.</summary>
    public static Ed25519KeyMaterial FromRaw(byte[] x, byte[]? d)
    {
        if (x.Length != Ed25519PublicKeyParameters.KeySize || (d is not null && d.Length != Ed25519PrivateKeyParameters.KeySize))
        {
            throw new PsCredRotateException(ErrorIds.JwkInvalidMember, ErrorKind.InvalidData, "Ed25519 keys are 32 bytes.");
        }

        var pub = new Ed25519PublicKeyParameters(x, 0);
        if (d is null)
        {
            return new Ed25519KeyMaterial(pub, null);
        }

        var priv = new Ed25519PrivateKeyParameters(d, 0);
        if (!Org.BouncyCastle.Utilities.Arrays.ConstantTimeAreEqual(priv.GeneratePublicKey().GetEncoded(), x))
        {
            throw new PsCredRotateException(ErrorIds.JwkPrivateKeyInconsistent, ErrorKind.InvalidData, "The private key does not match the public key.");
        }

        return new Ed25519KeyMaterial(pub, priv);
    }

    public override IReadOnlyList<KeyValuePair<string, string>> PublicJwkMembers() => new[]
    {
        new KeyValuePair<string, string>("crv", KeyAlgorithms.CurveEd25519),
        new KeyValuePair<string, string>("kty", "OKP"),
        new KeyValuePair<string, string>("x", Base64Url.Encode(_public.GetEncoded())),
    };

    public override IReadOnlyList<KeyValuePair<string, string>> PrivateJwkMembers() => new[]
    {
        new KeyValuePair<string, string>("d", Base64Url.Encode(PrivateOrThrow().GetEncoded())),
    };

    public override byte[] ExportSubjectPublicKeyInfo() =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(_public).GetDerEncoded();

    /// <summary>
    /// RFC 8410 §7 version 1 (no embedded public key), the form openssl writes. BouncyCastle's
    /// factory writes version 2 with the public key, which OpenSSL 3.0 cannot read.
    /// </summary>
    public override byte[] ExportPkcs8PrivateKey() =>
        new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), new DerOctetString(PrivateOrThrow().GetEncoded())).GetDerEncoded();

    public override AsymmetricKeyParameter ToBouncyCastlePublic() => _public;

    public override AsymmetricKeyParameter ToBouncyCastlePrivate() => PrivateOrThrow();

    public override byte[] Sign(KeyAlgorithm algorithm, byte[] data)
    {
        CheckAlgorithm(algorithm);
        var signer = new Ed25519Signer();
        signer.Init(true, PrivateOrThrow());
        signer.BlockUpdate(data, 0, data.Length);
        return signer.GenerateSignature();
    }

    public override bool Verify(KeyAlgorithm algorithm, byte[] data, byte[] signature)
    {
        CheckAlgorithm(algorithm);
        var verifier = new Ed25519Signer();
        verifier.Init(false, _public);
        verifier.BlockUpdate(data, 0, data.Length);
        return verifier.VerifySignature(signature);
    }

    public override KeyMaterial PublicOnly() => new Ed25519KeyMaterial(_public, null);

    private Ed25519PrivateKeyParameters PrivateOrThrow() => _private ?? throw NoPrivateKey();

    private void CheckAlgorithm(KeyAlgorithm algorithm)
    {
        if (algorithm != KeyAlgorithm.EdDSA)
        {
            throw new PsCredRotateException(ErrorIds.AlgorithmKeyMismatch, ErrorKind.InvalidArgument, $"An Ed25519 key cannot sign with {algorithm}; use EdDSA.", algorithm);
        }
    }
}
