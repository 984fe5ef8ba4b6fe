using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;
using BcPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace PsCredRotate.Core.Keys;

/// <summary>An ECDSA key on P-256, P-384 or P-521, held by the platform.</summary>
internal sealed class EcKeyMaterial : KeyMaterial
{
    private readonly ECDsa _ecdsa;
    private readonly EcCurve _curve;
    private readonly byte[] _x;
    private readonly byte[] _y;

    private EcKeyMaterial(ECDsa ecdsa, EcCurve curve, bool hasPrivateKey)
    {
        _ecdsa = ecdsa;
        _curve = curve;
        HasPrivateKey = hasPrivateKey;
        ECParameters p = ecdsa.ExportParameters(false);
        _x = BigEndian.Pad(p.Q.X!, curve.FieldBytes);
        _y = BigEndian.Pad(p.Q.Y!, curve.FieldBytes);
    }

    public override KeyType KeyType => KeyType.EC;

    public override bool HasPrivateKey { get; }

    public override string? Curve => _curve.JwkName;

    internal EcCurve EcCurve => _curve;

    public static EcKeyMaterial Generate(EcCurve curve)
    {
        ECDsa ecdsa = ECDsa.Create(curve.Platform);
        try
        {
            return new EcKeyMaterial(ecdsa, curve, hasPrivateKey: true);
        }
        catch
        {
            ecdsa.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Wraps coordinates (and optionally the private scalar). The point is checked to be on the
    /// curve, and a private scalar to match it.
    /// </summary>
    public static EcKeyMaterial FromCoordinates(EcCurve curve, byte[] x, byte[] y, byte[]? d)
    {
        if (x.Length != curve.FieldBytes || y.Length != curve.FieldBytes || (d is not null && d.Length != curve.FieldBytes))
        {
            throw new PsCredRotateException(
                ErrorIds.EcPointInvalid,
                ErrorKind.InvalidData,
                $"{curve.JwkName} coordinates must be {curve.FieldBytes} bytes each.");
        }

        BcPoint q;
        try
        {
            q = curve.BouncyCastleParameters.Curve.ValidatePoint(BigEndian.ToBigInteger(x), BigEndian.ToBigInteger(y));
        }
        catch (ArgumentException ex)
        {
            throw new PsCredRotateException(ErrorIds.EcPointInvalid, ErrorKind.InvalidData, $"The public point is not on the {curve.JwkName} curve.", null, ex);
        }

        if (d is not null)
        {
            BcPoint derived = new FixedPointCombMultiplier().Multiply(curve.BouncyCastleParameters.G, BigEndian.ToBigInteger(d)).Normalize();
            if (!derived.Equals(q))
            {
                throw new PsCredRotateException(ErrorIds.JwkPrivateKeyInconsistent, ErrorKind.InvalidData, "The private key does not match the public point.");
            }
        }

        var parameters = new ECParameters
        {
            Curve = curve.Platform,
            Q = new ECPoint { X = x, Y = y },
            D = d,
        };
        ECDsa ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportParameters(parameters);
            return new EcKeyMaterial(ecdsa, curve, d is not null);
        }
        catch (CryptographicException ex)
        {
            ecdsa.Dispose();
            throw new PsCredRotateException(ErrorIds.EcPointInvalid, ErrorKind.InvalidData, $"The {curve.JwkName} key is not valid.", null, ex);
        }
    }

    public static EcKeyMaterial FromBouncyCastle(ECKeyParameters key)
    {
        EcCurve curve = (key.PublicKeyParamSet is not null ? EcCurve.FromOid(key.PublicKeyParamSet) : EcCurve.FromDomain(key.Parameters))
            ?? throw new PsCredRotateException(
                ErrorIds.EcCurveUnsupported,
                ErrorKind.InvalidData,
                $"The elliptic curve {(key.PublicKeyParamSet?.Id ?? "with explicit parameters")} is not supported. Use P-256, P-384 or P-521.",
                key.PublicKeyParamSet?.Id);
        BcPoint q;
        byte[]? d = null;
        if (key is ECPrivateKeyParameters priv)
        {
            q = new FixedPointCombMultiplier().Multiply(key.Parameters.G, priv.D).Normalize();
            d = BigEndian.Unsigned(priv.D, curve.FieldBytes);
        }
        else
        {
            q = ((ECPublicKeyParameters)key).Q.Normalize();
        }

        return FromCoordinates(
            curve,
            BigEndian.Unsigned(q.AffineXCoord.ToBigInteger(), curve.FieldBytes),
            BigEndian.Unsigned(q.AffineYCoord.ToBigInteger(), curve.FieldBytes),
            d);
    }

    public override IReadOnlyList<KeyValuePair<string, string>> PublicJwkMembers() => new[]
    {
        new KeyValuePair<string, string>("crv", _curve.JwkName),
        new KeyValuePair<string, string>("kty", "EC"),
        new KeyValuePair<string, string>("x", Base64Url.Encode(_x)),
        new KeyValuePair<string, string>("y", Base64Url.Encode(_y)),
    };

    public override IReadOnlyList<KeyValuePair<string, string>> PrivateJwkMembers() => new[]
    {
        new KeyValuePair<string, string>("d", Base64Url.Encode(PrivateScalar())),
    };

    public override byte[] ExportSubjectPublicKeyInfo() =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(ToBouncyCastlePublic()).GetDerEncoded();

    public override byte[] ExportPkcs8PrivateKey() =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo(ToBouncyCastlePrivate()).GetDerEncoded();

    public override AsymmetricKeyParameter ToBouncyCastlePublic()
    {
        BcPoint q = _curve.BouncyCastleParameters.Curve.CreatePoint(BigEndian.ToBigInteger(_x), BigEndian.ToBigInteger(_y));
        return new ECPublicKeyParameters("EC", q, _curve.Oid);
    }

    public override AsymmetricKeyParameter ToBouncyCastlePrivate() =>
        new ECPrivateKeyParameters("EC", BigEndian.ToBigInteger(PrivateScalar()), _curve.Oid);

    public override byte[] Sign(KeyAlgorithm algorithm, byte[] data)
    {
        CheckAlgorithm(algorithm);
        if (!HasPrivateKey)
        {
            throw NoPrivateKey();
        }

        // The platform's ECDsa.SignData returns IEEE P1363 (r‖s), which is exactly JOSE's form.
        return _ecdsa.SignData(data, KeyAlgorithms.HashOf(algorithm));
    }

    public override bool Verify(KeyAlgorithm algorithm, byte[] data, byte[] signature)
    {
        CheckAlgorithm(algorithm);
        return signature.Length == 2 * _curve.FieldBytes && _ecdsa.VerifyData(data, signature, KeyAlgorithms.HashOf(algorithm));
    }

    public override KeyMaterial PublicOnly() => FromCoordinates(_curve, _x, _y, null);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ecdsa.Dispose();
        }
    }

    private byte[] PrivateScalar()
    {
        if (!HasPrivateKey)
        {
            throw NoPrivateKey();
        }

        return BigEndian.Pad(_ecdsa.ExportParameters(true).D!, _curve.FieldBytes);
    }

    private void CheckAlgorithm(KeyAlgorithm algorithm)
    {
        if (!Supports(algorithm))
        {
            throw new PsCredRotateException(ErrorIds.AlgorithmKeyMismatch, ErrorKind.InvalidArgument, $"A {_curve.JwkName} key cannot sign with {algorithm}.", algorithm);
        }
    }
}
