using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsCredRotate.Emulator.Auth0.Crypto;

/// <summary>
/// The few facts Auth0 takes from an uploaded certificate (DER, notAfter, subject, public key), read
/// with the platform's ASN.1 reader. X509Certificate2 refuses certificates Auth0 accepts (a recorded
/// one has notBefore in year 0000), so the fields are read directly.
/// </summary>
public sealed record CertificateFacts(byte[] Der, DateTimeOffset NotAfter, X500DistinguishedName Subject, byte[] SubjectPublicKeyInfo)
{
    /// <summary>Null when the text holds no parsable certificate.</summary>
    public static CertificateFacts? TryParse(string pem)
    {
        try
        {
            PemFields fields = PemEncoding.Find(pem);
            if (!pem.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                return null;
            }

            byte[] der = Convert.FromBase64String(pem[fields.Base64Data]);
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            AsnReader certificate = reader.ReadSequence();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.ReadEncodedValue();
            }

            tbs.ReadEncodedValue(); // serialNumber
            tbs.ReadEncodedValue(); // signature
            tbs.ReadEncodedValue(); // issuer
            AsnReader validity = tbs.ReadSequence();
            validity.ReadEncodedValue(); // notBefore (may be year 0000)
            DateTimeOffset notAfter = validity.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime)
                ? validity.ReadUtcTime()
                : validity.ReadGeneralizedTime();
            var subject = new X500DistinguishedName(tbs.ReadEncodedValue().Span);
            byte[] spki = tbs.ReadEncodedValue().ToArray();
            return new CertificateFacts(der, notAfter.ToUniversalTime(), subject, spki);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The RSA public key, or null for other key types.</summary>
    public RSA? RsaPublicKey()
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
            return rsa;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }
}
