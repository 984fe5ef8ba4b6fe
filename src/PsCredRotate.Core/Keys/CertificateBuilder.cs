using System;
using System.Collections;
using System.IO;
using Org.BouncyCastle.Asn1.EdEC;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace PsCredRotate.Core.Keys;

/// <summary>A checked request for a self-signed certificate: subject and validity, in whole UTC seconds.</summary>
internal sealed class CertificateRequest
{
    /// <summary>How far NotBefore lies before now, so that peers with a slow clock accept the certificate.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Validity when neither NotAfter nor ValidFor is given.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    public const string DefaultCommonName = "PsCredRotate";

    private CertificateRequest(X509Name subject, DateTime notBefore, DateTime notAfter)
    {
        Subject = subject;
        NotBefore = notBefore;
        NotAfter = notAfter;
    }

    public X509Name Subject { get; }

    /// <summary>UTC, whole seconds.</summary>
    public DateTime NotBefore { get; }

    /// <summary>UTC, whole seconds.</summary>
    public DateTime NotAfter { get; }

    public static CertificateRequest From(KeyGenerationOptions options, DateTimeOffset now)
    {
        X509Name subject = ParseSubject(options.Subject, options.Name);

        if (options.NotAfter is not null && options.ValidFor is not null)
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateValidityInvalid,
                ErrorKind.InvalidArgument,
                "Give either NotAfter or ValidFor for the certificate, not both.");
        }

        DateTime start = WholeSeconds(now.UtcDateTime);
        DateTime end;
        if (options.ValidFor is TimeSpan validFor)
        {
            if (validFor < TimeSpan.FromSeconds(1))
            {
                throw new PsCredRotateException(
                    ErrorIds.CertificateValidityInvalid,
                    ErrorKind.InvalidArgument,
                    $"ValidFor must be a positive length of time; {validFor} was given.",
                    validFor);
            }

            end = AddOrThrow(start, validFor);
        }
        else if (options.NotAfter is DateTimeOffset notAfter)
        {
            end = WholeSeconds(notAfter.UtcDateTime);
            if (end <= start)
            {
                throw new PsCredRotateException(
                    ErrorIds.CertificateValidityInvalid,
                    ErrorKind.InvalidArgument,
                    $"NotAfter ({notAfter.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) must lie in the future.",
                    notAfter);
            }
        }
        else
        {
            end = AddOrThrow(start, DefaultValidity);
        }

        return new CertificateRequest(subject, start - ClockSkew, end);
    }

    private static X509Name ParseSubject(string? subject, string? name)
    {
        if (subject is null)
        {
            string cn = string.IsNullOrWhiteSpace(name) ? DefaultCommonName : name!.Trim();
            return new X509Name(new ArrayList { X509Name.CN }, new ArrayList { cn });
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            throw InvalidSubject(subject, null);
        }

        X509Name parsed;
        try
        {
            parsed = new X509Name(subject);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw InvalidSubject(subject, ex);
        }

        if (parsed.GetOidList().Count == 0)
        {
            throw InvalidSubject(subject, null);
        }

        foreach (object value in parsed.GetValueList())
        {
            if (string.IsNullOrWhiteSpace(value as string))
            {
                throw InvalidSubject(subject, null);
            }
        }

        return parsed;
    }

    private static PsCredRotateException InvalidSubject(string subject, Exception? inner) => new(
        ErrorIds.CertificateSubjectInvalid,
        ErrorKind.InvalidArgument,
        $"The certificate subject '{subject}' is not a valid X.500 name. Write it as attribute=value pairs separated by commas, for example 'CN=my-client,O=Example'.",
        subject,
        inner);

    private static DateTime AddOrThrow(DateTime start, TimeSpan length)
    {
        if (length > DateTime.MaxValue - start)
        {
            throw new PsCredRotateException(
                ErrorIds.CertificateValidityInvalid,
                ErrorKind.InvalidArgument,
                $"The validity {length} reaches beyond the year 9999.",
                length);
        }

        return WholeSeconds(start + length);
    }

    private static DateTime WholeSeconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}

/// <summary>Builds self-signed X.509 v3 certificates for generated keys (BouncyCastle).</summary>
internal static class CertificateBuilder
{
    /// <summary>The DER of a self-signed certificate over the material's public key.</summary>
    public static byte[] Build(KeyMaterial material, CertificateRequest request)
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

    /// <summary>A positive serial of 127 random-ish bits (RFC 5280: positive, at most 20 octets).</summary>
    private static BigInteger RandomSerial(SecureRandom random)
    {
        byte[] bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[0] &= 0x7F;
        bytes[0] |= 0x40;
        return new BigInteger(1, bytes);
    }
}

/// <summary>
/// Ed25519 certificate signatures (RFC 8410 §6: algorithm id-Ed25519 without parameters, the
/// signature over the whole TBSCertificate), which BouncyCastle 1.8's Asn1SignatureFactory lacks.
/// </summary>
internal sealed class Ed25519SignatureFactory : ISignatureFactory
{
    private readonly Ed25519PrivateKeyParameters _key;

    public Ed25519SignatureFactory(Ed25519PrivateKeyParameters key)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
    }

    public object AlgorithmDetails => new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

    public IStreamCalculator CreateCalculator() => new Calculator(_key);

    private sealed class Calculator : IStreamCalculator
    {
        private readonly Ed25519PrivateKeyParameters _key;
        private readonly MemoryStream _data = new();

        public Calculator(Ed25519PrivateKeyParameters key)
        {
            _key = key;
        }

        public Stream Stream => _data;

        public object GetResult()
        {
            byte[] data = _data.ToArray();
            var signer = new Ed25519Signer();
            signer.Init(true, _key);
            signer.BlockUpdate(data, 0, data.Length);
            return new Result(signer.GenerateSignature());
        }
    }

    private sealed class Result : IBlockResult
    {
        private readonly byte[] _signature;

        public Result(byte[] signature)
        {
            _signature = signature;
        }

        public byte[] Collect() => (byte[])_signature.Clone();

        public int Collect(byte[] destination, int offset)
        {
            Array.Copy(_signature, 0, destination, offset, _signature.Length);
            return _signature.Length;
        }
    }
}
