using System;
using System.Collections;
using Org.BouncyCastle.Asn1.X509;

namespace PsCredRotate.Core.Keys;

/// <summary>A checked request for a self-signed certificate: subject and validity, in whole UTC seconds.</summary>
internal sealed class SelfSignedCertificateRequest
{
    /// <summary>How far NotBefore lies before now, so that peers with a slow clock accept the certificate.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Validity when neither NotAfter nor ValidFor is given.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    public const string DefaultCommonName = "PsCredRotate";

    private SelfSignedCertificateRequest(X509Name subject, DateTime notBefore, DateTime notAfter)
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

    public static SelfSignedCertificateRequest From(KeyGenerationOptions options, DateTimeOffset now)
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

        return new SelfSignedCertificateRequest(subject, start - ClockSkew, end);
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
