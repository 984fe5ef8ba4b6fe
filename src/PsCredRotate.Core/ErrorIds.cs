namespace PsCredRotate.Core;

/// <summary>
/// Every ErrorId PsCredRotate raises, in one place. These strings are public API: scripts match on
/// them (<c>$_.FullyQualifiedErrorId -like 'RsaKeyTooSmall,*'</c>), so they never change meaning.
/// One id per condition; the exception is <see cref="PsCredRotateException"/>.
/// </summary>
public static class ErrorIds
{
    public const string Unexpected = "Unexpected";

    // ---- Key input: reading keys and certificates (Import-RotationKey) ----
    public const string KeyInputEmpty = "KeyInputEmpty";
    public const string KeyInputTooLarge = "KeyInputTooLarge";
    public const string KeyFileNotFound = "KeyFileNotFound";
    public const string KeyFormatUnrecognized = "KeyFormatUnrecognized";
    public const string PemLabelUnsupported = "PemLabelUnsupported";
    public const string PemLabelMismatch = "PemLabelMismatch";
    public const string PemTruncated = "PemTruncated";
    public const string PemInvalidBase64 = "PemInvalidBase64";
    public const string PemLegacyEncryptionUnsupported = "PemLegacyEncryptionUnsupported";
    public const string PemMultipleKeys = "PemMultipleKeys";
    public const string KeyDerMalformed = "KeyDerMalformed";
    public const string KeyTypeUnsupported = "KeyTypeUnsupported";
    public const string EcCurveUnsupported = "EcCurveUnsupported";
    public const string EcPointInvalid = "EcPointInvalid";
    public const string RsaKeyTooSmall = "RsaKeyTooSmall";
    public const string RsaKeyTooLarge = "RsaKeyTooLarge";
    public const string RsaKeyInvalid = "RsaKeyInvalid";
    public const string KeyPasswordRequired = "KeyPasswordRequired";
    public const string KeyPasswordIncorrect = "KeyPasswordIncorrect";
    public const string KeyEncryptionUnsupported = "KeyEncryptionUnsupported";
    public const string CertificateMalformed = "CertificateMalformed";
    public const string CertificateKeyMismatch = "CertificateKeyMismatch";
    public const string JwkInvalidJson = "JwkInvalidJson";
    public const string JwkMissingMember = "JwkMissingMember";
    public const string JwkInvalidMember = "JwkInvalidMember";
    public const string JwkKeyTypeUnsupported = "JwkKeyTypeUnsupported";
    public const string JwkPrivateKeyInconsistent = "JwkPrivateKeyInconsistent";
    public const string JwksAmbiguous = "JwksAmbiguous";
    public const string AlgorithmUnsupported = "AlgorithmUnsupported";
    public const string AlgorithmKeyMismatch = "AlgorithmKeyMismatch";

    // keys-import
    public const string KeyFileUnreadable = "KeyFileUnreadable";

    // ---- Key generation (New-RotationKey) ----
    public const string KeySizeUnsupported = "KeySizeUnsupported";
    public const string CertificateSubjectInvalid = "CertificateSubjectInvalid";
    public const string CertificateValidityInvalid = "CertificateValidityInvalid";

    // ---- Key output (Export-RotationKey) ----
    public const string PrivateKeyUnavailable = "PrivateKeyUnavailable";
    public const string ExportFileExists = "ExportFileExists";
    public const string ExportPathInvalid = "ExportPathInvalid";
    public const string ExportWriteFailed = "ExportWriteFailed";
    public const string ExportFormatPasswordUnsupported = "ExportFormatPasswordUnsupported";
    public const string PrivateKeyPlainTextRequired = "PrivateKeyPlainTextRequired";
    public const string KeyPasswordEmpty = "KeyPasswordEmpty";

    // ---- Client assertions (New-ClientAssertion) ----
    public const string AssertionLifetimeOutOfRange = "AssertionLifetimeOutOfRange";
    public const string AssertionClientIdInvalid = "AssertionClientIdInvalid";
    public const string AssertionAudienceInvalid = "AssertionAudienceInvalid";
    public const string SigningKeyRequired = "SigningKeyRequired";
}
