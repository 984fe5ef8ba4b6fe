using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;

namespace PsCredRotate.Core.Keys;

/// <summary>An RSA key held by the platform (OpenSSL on Linux, CNG on Windows).</summary>
internal sealed class RsaKeyMaterial : KeyMaterial
{
    private readonly RSA _rsa;
    private readonly RSAParameters _public;

    private RsaKeyMaterial(RSA rsa, bool hasPrivateKey)
    {
        _rsa = rsa;
        HasPrivateKey = hasPrivateKey;
        _public = rsa.ExportParameters(false);
        KeySize = BigEndian.TrimLeadingZeros(_public.Modulus!).Length * 8 - LeadingZeroBits(BigEndian.TrimLeadingZeros(_public.Modulus!)[0]);
    }

    public override KeyType KeyType => KeyType.RSA;

    public override bool HasPrivateKey { get; }

    public override int? KeySize { get; }

    /// <summary>Generates a new key pair; only the sizes in <see cref="KeyAlgorithms.RsaGenerationSizes"/>.</summary>
    public static RsaKeyMaterial Generate(int keySize)
    {
        if (Array.IndexOf(KeyAlgorithms.RsaGenerationSizes, keySize) < 0)
        {
            throw new PsCredRotateException(
                ErrorIds.KeySizeUnsupported,
                ErrorKind.InvalidArgument,
                $"RSA keys are generated with 2048, 3072 or 4096 bits; {keySize} is not allowed{(keySize < KeyAlgorithms.MinimumRsaKeySize ? " (below 2048 bits is too weak)" : string.Empty)}.",
                keySize);
        }

        RSA rsa = RSA.Create();
        try
        {
            rsa.KeySize = keySize;
            _ = rsa.ExportParameters(false); // forces generation now, not at first use
            return new RsaKeyMaterial(rsa, hasPrivateKey: true);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Wraps RSA parameters (public, or private with the CRT values). Checks the size.</summary>
    public static RsaKeyMaterial FromParameters(RSAParameters parameters)
    {
        if (parameters.Modulus is null || parameters.Exponent is null)
        {
            throw new PsCredRotateException(ErrorIds.RsaKeyInvalid, ErrorKind.InvalidData, "The RSA key has no modulus or exponent.");
        }

        byte[] modulus = BigEndian.TrimLeadingZeros(parameters.Modulus);
        int bits = modulus.Length * 8 - LeadingZeroBits(modulus[0]);
        if (bits < KeyAlgorithms.MinimumRsaKeySize)
        {
            throw new PsCredRotateException(
                ErrorIds.RsaKeyTooSmall,
                ErrorKind.InvalidData,
                $"The RSA key has {bits} bits; at least {KeyAlgorithms.MinimumRsaKeySize} are required.",
                bits);
        }

        if (bits > KeyAlgorithms.MaximumRsaKeySize)
        {
            throw new PsCredRotateException(
                ErrorIds.RsaKeyTooLarge,
                ErrorKind.InvalidData,
                $"The RSA key has {bits} bits; at most {KeyAlgorithms.MaximumRsaKeySize} are supported.",
                bits);
        }

        bool hasPrivate = parameters.D is not null;
        RSAParameters normalized;
        try
        {
            normalized = Normalize(parameters, modulus);
        }
        catch (ArgumentException ex)
        {
            throw new PsCredRotateException(ErrorIds.RsaKeyInvalid, ErrorKind.InvalidData, "The RSA key is not valid: a private value is longer than the modulus.", null, ex);
        }

        RSA rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(normalized);
            return new RsaKeyMaterial(rsa, hasPrivate);
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new PsCredRotateException(ErrorIds.RsaKeyInvalid, ErrorKind.InvalidData, "The RSA key is not valid: its numbers are inconsistent.", null, ex);
        }
    }

    public static RsaKeyMaterial FromBouncyCastle(RsaKeyParameters key)
    {
        var p = new RSAParameters
        {
            Modulus = BigEndian.Unsigned(key.Modulus),
            // For a private key, BouncyCastle's Exponent is d; the public exponent is separate.
            Exponent = BigEndian.Unsigned(key is RsaPrivateCrtKeyParameters c ? c.PublicExponent : key.Exponent),
        };
        if (key is RsaPrivateCrtKeyParameters crt)
        {
            p.D = BigEndian.Unsigned(crt.Exponent);
            p.P = BigEndian.Unsigned(crt.P);
            p.Q = BigEndian.Unsigned(crt.Q);
            p.DP = BigEndian.Unsigned(crt.DP);
            p.DQ = BigEndian.Unsigned(crt.DQ);
            p.InverseQ = BigEndian.Unsigned(crt.QInv);
        }
        else if (key.IsPrivate)
        {
            throw new PsCredRotateException(ErrorIds.RsaKeyInvalid, ErrorKind.InvalidData, "RSA private keys without the CRT values are not supported.");
        }

        return FromParameters(p);
    }

    public override IReadOnlyList<KeyValuePair<string, string>> PublicJwkMembers() => new[]
    {
        new KeyValuePair<string, string>("e", Base64Url.Encode(BigEndian.TrimLeadingZeros(_public.Exponent!))),
        new KeyValuePair<string, string>("kty", "RSA"),
        new KeyValuePair<string, string>("n", Base64Url.Encode(BigEndian.TrimLeadingZeros(_public.Modulus!))),
    };

    public override IReadOnlyList<KeyValuePair<string, string>> PrivateJwkMembers()
    {
        RSAParameters p = ExportPrivate();
        return new[]
        {
            new KeyValuePair<string, string>("d", Base64Url.Encode(p.D!)),
            new KeyValuePair<string, string>("p", Base64Url.Encode(p.P!)),
            new KeyValuePair<string, string>("q", Base64Url.Encode(p.Q!)),
            new KeyValuePair<string, string>("dp", Base64Url.Encode(p.DP!)),
            new KeyValuePair<string, string>("dq", Base64Url.Encode(p.DQ!)),
            new KeyValuePair<string, string>("qi", Base64Url.Encode(p.InverseQ!)),
        };
    }

    public override byte[] ExportSubjectPublicKeyInfo() =>
        SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(ToBouncyCastlePublic()).GetDerEncoded();

    public override byte[] ExportPkcs8PrivateKey() =>
        PrivateKeyInfoFactory.CreatePrivateKeyInfo(ToBouncyCastlePrivate()).GetDerEncoded();

    public override AsymmetricKeyParameter ToBouncyCastlePublic() =>
        new RsaKeyParameters(false, BigEndian.ToBigInteger(_public.Modulus!), BigEndian.ToBigInteger(_public.Exponent!));

    public override AsymmetricKeyParameter ToBouncyCastlePrivate()
    {
        RSAParameters p = ExportPrivate();
        return new RsaPrivateCrtKeyParameters(
            BigEndian.ToBigInteger(p.Modulus!),
            BigEndian.ToBigInteger(p.Exponent!),
            BigEndian.ToBigInteger(p.D!),
            BigEndian.ToBigInteger(p.P!),
            BigEndian.ToBigInteger(p.Q!),
            BigEndian.ToBigInteger(p.DP!),
            BigEndian.ToBigInteger(p.DQ!),
            BigEndian.ToBigInteger(p.InverseQ!));
    }

    public override byte[] Sign(KeyAlgorithm algorithm, byte[] data)
    {
        CheckAlgorithm(algorithm);
        if (!HasPrivateKey)
        {
            throw NoPrivateKey();
        }

        return _rsa.SignData(data, KeyAlgorithms.HashOf(algorithm), Padding(algorithm));
    }

    public override bool Verify(KeyAlgorithm algorithm, byte[] data, byte[] signature)
    {
        CheckAlgorithm(algorithm);
        return _rsa.VerifyData(data, signature, KeyAlgorithms.HashOf(algorithm), Padding(algorithm));
    }

    public override KeyMaterial PublicOnly() => FromParameters(_public);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rsa.Dispose();
        }
    }

    private static RSASignaturePadding Padding(KeyAlgorithm algorithm) =>
        KeyAlgorithms.IsPss(algorithm) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;

    private void CheckAlgorithm(KeyAlgorithm algorithm)
    {
        if (!Supports(algorithm))
        {
            throw new PsCredRotateException(ErrorIds.AlgorithmKeyMismatch, ErrorKind.InvalidArgument, $"An RSA key cannot sign with {algorithm}.", algorithm);
        }
    }

    private RSAParameters ExportPrivate()
    {
        if (!HasPrivateKey)
        {
            throw NoPrivateKey();
        }

        return _rsa.ExportParameters(true);
    }

    /// <summary>
    /// The platform wants D as long as the modulus and the CRT values half that, left-padded;
    /// parsers hand over minimal encodings.
    /// </summary>
    private static RSAParameters Normalize(RSAParameters p, byte[] modulus)
    {
        var result = new RSAParameters { Modulus = modulus, Exponent = BigEndian.TrimLeadingZeros(p.Exponent!) };
        if (p.D is null)
        {
            return result;
        }

        int half = (modulus.Length + 1) / 2;
        result.D = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.D), modulus.Length);
        result.P = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.P ?? throw MissingCrt()), half);
        result.Q = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.Q ?? throw MissingCrt()), half);
        result.DP = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.DP ?? throw MissingCrt()), half);
        result.DQ = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.DQ ?? throw MissingCrt()), half);
        result.InverseQ = BigEndian.Pad(BigEndian.TrimLeadingZeros(p.InverseQ ?? throw MissingCrt()), half);
        return result;
    }

    private static PsCredRotateException MissingCrt() =>
        new(ErrorIds.RsaKeyInvalid, ErrorKind.InvalidData, "RSA private keys without the CRT values (p, q, dp, dq, qi) are not supported.");

    private static int LeadingZeroBits(byte b)
    {
        int n = 0;
        for (int mask = 0x80; mask != 0 && (b & mask) == 0; mask >>= 1)
        {
            n++;
        }

        return n;
    }
}
