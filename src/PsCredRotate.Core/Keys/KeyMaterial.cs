using System;
using System.Collections.Generic;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// The key itself, behind <see cref="RotationKey"/>. Internal on purpose: nothing outside Core can
/// reach private material except through the exporter, which asks for it explicitly. Platform
/// crypto (RSA, ECDsa) signs and verifies; BouncyCastle is used only for what netstandard2.0
/// lacks (Ed25519, DER encodings). ToString never shows material.
/// </summary>
internal abstract class KeyMaterial : IDisposable
{
    public abstract KeyType KeyType { get; }

    public abstract bool HasPrivateKey { get; }

    /// <summary>RSA modulus size in bits; null for EC and OKP keys.</summary>
    public virtual int? KeySize => null;

    /// <summary>JWK curve name (P-256, P-384, P-521, Ed25519); null for RSA.</summary>
    public virtual string? Curve => null;

    /// <summary>
    /// The RFC 7638 required public members including <c>kty</c>, in lexicographic order of name,
    /// values exactly as they appear in the JWK (base64url for numbers and coordinates).
    /// </summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> PublicJwkMembers();

    /// <summary>The private JWK members (d, and p, q, dp, dq, qi for RSA). Throws without a private key.</summary>
    public abstract IReadOnlyList<KeyValuePair<string, string>> PrivateJwkMembers();

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public abstract byte[] ExportSubjectPublicKeyInfo();

    /// <summary>DER PKCS#8 PrivateKeyInfo (unencrypted). Throws without a private key.</summary>
    public abstract byte[] ExportPkcs8PrivateKey();

    /// <summary>The public key as BouncyCastle parameters (certificate building, DER encodings).</summary>
    public abstract AsymmetricKeyParameter ToBouncyCastlePublic();

    /// <summary>The private key as BouncyCastle parameters. Throws without a private key.</summary>
    public abstract AsymmetricKeyParameter ToBouncyCastlePrivate();

    /// <summary>Whether this key can sign with the algorithm (type and curve match).</summary>
    public bool Supports(KeyAlgorithm algorithm) =>
        KeyAlgorithms.KeyTypeOf(algorithm) == KeyType
        && (KeyType == KeyType.RSA || string.Equals(KeyAlgorithms.CurveOf(algorithm), Curve, StringComparison.Ordinal));

    /// <summary>Signs; the result is in JOSE form (RSA bytes, ECDSA r‖s, Ed25519 64 bytes).</summary>
    public abstract byte[] Sign(KeyAlgorithm algorithm, byte[] data);

    /// <summary>Verifies a JOSE-form signature.</summary>
    public abstract bool Verify(KeyAlgorithm algorithm, byte[] data, byte[] signature);

    /// <summary>A new material holding only the public half.</summary>
    public abstract KeyMaterial PublicOnly();

    public override string ToString() => $"{KeyType} key material{(HasPrivateKey ? " (private)" : string.Empty)}";

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    protected PsCredRotateException NoPrivateKey() => new(
        ErrorIds.PrivateKeyUnavailable,
        ErrorKind.InvalidOperation,
        "This key holds only the public half; the private key is not available.");

    /// <summary>
    /// Wraps BouncyCastle parameters (public or private) as key material; the only way in for keys
    /// that were parsed by BouncyCastle. Validates size and curve.
    /// </summary>
    public static KeyMaterial FromBouncyCastle(AsymmetricKeyParameter key) => key switch
    {
        RsaKeyParameters rsa => RsaKeyMaterial.FromBouncyCastle(rsa),
        ECKeyParameters ec => EcKeyMaterial.FromBouncyCastle(ec),
        Ed25519PrivateKeyParameters ed => new Ed25519KeyMaterial(ed.GeneratePublicKey(), ed),
        Ed25519PublicKeyParameters ed => new Ed25519KeyMaterial(ed, null),
        _ => throw new PsCredRotateException(
            ErrorIds.KeyTypeUnsupported,
            ErrorKind.InvalidData,
            $"Keys of type {KeyTypeName(key)} are not supported. Use an RSA (2048 bits or more), EC P-256/P-384/P-521 or Ed25519 key."),
    };

    private static string KeyTypeName(AsymmetricKeyParameter key) => key switch
    {
        DsaKeyParameters => "DSA",
        X25519PublicKeyParameters or X25519PrivateKeyParameters => "X25519",
        Ed448PublicKeyParameters or Ed448PrivateKeyParameters => "Ed448",
        X448PublicKeyParameters or X448PrivateKeyParameters => "X448",
        ElGamalKeyParameters => "ElGamal",
        DHKeyParameters => "DH",
        _ => key.GetType().Name.Replace("KeyParameters", string.Empty),
    };
}
