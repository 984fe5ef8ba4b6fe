using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Parameters;

namespace PsCredRotate.Core.Keys;

/// <summary>One supported elliptic curve under each of its names: JWK, platform, ASN.1 OID.</summary>
internal sealed class EcCurve
{
    private EcCurve(string jwkName, DerObjectIdentifier oid, int fieldBytes, Func<ECCurve> platform)
    {
        JwkName = jwkName;
        Oid = oid;
        FieldBytes = fieldBytes;
        _platform = platform;
    }

    private readonly Func<ECCurve> _platform;

    public static readonly EcCurve P256 = new(KeyAlgorithms.CurveP256, SecObjectIdentifiers.SecP256r1, 32, () => ECCurve.NamedCurves.nistP256);
    public static readonly EcCurve P384 = new(KeyAlgorithms.CurveP384, SecObjectIdentifiers.SecP384r1, 48, () => ECCurve.NamedCurves.nistP384);
    public static readonly EcCurve P521 = new(KeyAlgorithms.CurveP521, SecObjectIdentifiers.SecP521r1, 66, () => ECCurve.NamedCurves.nistP521);

    private static readonly EcCurve[] All = { P256, P384, P521 };

    /// <summary>P-256, P-384, P-521.</summary>
    public string JwkName { get; }

    public DerObjectIdentifier Oid { get; }

    /// <summary>Bytes in one coordinate (and in each half of a JOSE signature).</summary>
    public int FieldBytes { get; }

    public ECCurve Platform => _platform();

    public X9ECParameters BouncyCastleParameters => SecNamedCurves.GetByOid(Oid);

    public ECDomainParameters Domain
    {
        get
        {
            X9ECParameters x9 = BouncyCastleParameters;
            return new ECNamedDomainParameters(Oid, x9.Curve, x9.G, x9.N, x9.H, x9.GetSeed());
        }
    }

    public static EcCurve? FromJwkName(string? name)
    {
        foreach (EcCurve c in All)
        {
            if (string.Equals(c.JwkName, name, StringComparison.Ordinal))
            {
                return c;
            }
        }

        return null;
    }

    public static EcCurve? FromOid(DerObjectIdentifier? oid)
    {
        foreach (EcCurve c in All)
        {
            if (c.Oid.Equals(oid))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Finds a named curve equal to explicit domain parameters (keys written with explicit params).</summary>
    public static EcCurve? FromDomain(ECDomainParameters domain)
    {
        if (domain is ECNamedDomainParameters named)
        {
            return FromOid(named.Name);
        }

        foreach (EcCurve c in All)
        {
            X9ECParameters x9 = c.BouncyCastleParameters;
            if (x9.Curve.Equals(domain.Curve) && x9.G.Equals(domain.G) && x9.N.Equals(domain.N))
            {
                return c;
            }
        }

        return null;
    }
}
