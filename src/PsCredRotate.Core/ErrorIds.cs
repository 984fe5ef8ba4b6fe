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

    // ---- Connections (Connect-Auth0Tenant and the session default) ----
    public const string DomainInvalid = "DomainInvalid";
    public const string InsecureTransport = "InsecureTransport";
    public const string ConnectionCredentialMissing = "ConnectionCredentialMissing";
    public const string ConnectionCredentialAmbiguous = "ConnectionCredentialAmbiguous";
    public const string NotConnected = "NotConnected";
    public const string AuthenticationFailed = "AuthenticationFailed";

    // ---- Inventory (Get-ExpiringCredential) ----
    public const string ExpiryWindowInvalid = "ExpiryWindowInvalid";

    // ---- Provider API calls (one id per HTTP outcome; the provider's own message is kept) ----
    public const string ApiBadRequest = "ApiBadRequest";
    public const string ApiUnauthorized = "ApiUnauthorized";
    public const string InsufficientScope = "InsufficientScope";
    public const string ApiNotFound = "ApiNotFound";
    public const string ClientNotFound = "ClientNotFound";
    public const string CredentialNotFound = "CredentialNotFound";
    public const string ApiConflict = "ApiConflict";
    public const string RateLimited = "RateLimited";
    public const string ApiServerError = "ApiServerError";
    public const string ApiUnreachable = "ApiUnreachable";
    public const string ApiTimeout = "ApiTimeout";
    public const string ApiResponseInvalid = "ApiResponseInvalid";

    // ---- Client credentials (Add/Enable/Disable/Set/Remove/Test-ClientCredential) ----
    public const string CredentialAlgorithmUnsupported = "CredentialAlgorithmUnsupported";
    public const string CredentialExpiryInPast = "CredentialExpiryInPast";
    public const string CredentialExpiryConflict = "CredentialExpiryConflict";
    public const string CertificateRequired = "CertificateRequired";
    public const string CertificateExpired = "CertificateExpired";
    public const string CredentialExists = "CredentialExists";
    public const string CredentialNameInvalid = "CredentialNameInvalid";
    public const string LastAttachedCredential = "LastAttachedCredential";
    public const string VerificationAudienceRequired = "VerificationAudienceRequired";

    // ---- Signing keys (Get-SigningKey, Invoke-SigningKeyRotation, Revoke-SigningKey) ----
    public const string SigningKeyNotFound = "SigningKeyNotFound";
    public const string SigningKeyIsCurrent = "SigningKeyIsCurrent";
    public const string SigningKeyIsNext = "SigningKeyIsNext";
    public const string SigningKeyAlreadyRevoked = "SigningKeyAlreadyRevoked";
    public const string SigningKeyNoPrevious = "SigningKeyNoPrevious";
    public const string SigningKeyInRetention = "SigningKeyInRetention";
    public const string SigningKeyPolicyInvalid = "SigningKeyPolicyInvalid";
    public const string SigningKeyStateUnexpected = "SigningKeyStateUnexpected";
    public const string SigningKeyNotPublished = "SigningKeyNotPublished";

    // ---- Rotation (Start/Complete/Undo/Invoke-ClientCredentialRotation) ----
    public const string SlotFull = "SlotFull";
    public const string PoolFull = "PoolFull";
    public const string ClientUsesClientSecret = "ClientUsesClientSecret";
    public const string RetireCredentialNotAttached = "RetireCredentialNotAttached";
    public const string RetireIncludesNewKey = "RetireIncludesNewKey";
    public const string RotationVerificationFailed = "RotationVerificationFailed";
    public const string RotationNotStarted = "RotationNotStarted";
    public const string RotationDeployFailed = "RotationDeployFailed";
    public const string RotationDeclined = "RotationDeclined";
    public const string KeyPathHoldsCurrentKey = "KeyPathHoldsCurrentKey";
    public const string RotationKeyConflict = "RotationKeyConflict";
    public const string ThrottleLimitInvalid = "ThrottleLimitInvalid";

    // ---- Connection keys and client secrets (Get/New-ConnectionKey, Invoke-ConnectionKeyRotation, Invoke-ClientSecretRotation) ----
    public const string ClientUsesPrivateKeyJwt = "ClientUsesPrivateKeyJwt";
    public const string SecretFileExists = "SecretFileExists";
    public const string SecretFilePathInvalid = "SecretFilePathInvalid";
    public const string SecretFileWriteFailed = "SecretFileWriteFailed";
    public const string ConnectionNotFound = "ConnectionNotFound";
    public const string ConnectionKeysUnsupported = "ConnectionKeysUnsupported";
    public const string ConnectionNotPrivateKeyJwt = "ConnectionNotPrivateKeyJwt";
    public const string ConnectionKeysExist = "ConnectionKeysExist";
    public const string ConnectionKeysMissing = "ConnectionKeysMissing";

    // ---- Dfns connection, credentials and key rotation (Connect-DfnsOrganization, *-DfnsCredential, Invoke-DfnsKeyRotation) ----
    public const string DfnsNotConnected = "DfnsNotConnected";
    public const string DfnsBaseUriInvalid = "DfnsBaseUriInvalid";
    public const string DfnsTokenMissing = "DfnsTokenMissing";
    public const string DfnsTokenRejected = "DfnsTokenRejected";
    public const string DfnsCredentialIdMissing = "DfnsCredentialIdMissing";
    public const string DfnsCredentialNotFound = "DfnsCredentialNotFound";
    public const string DfnsCredentialInactive = "DfnsCredentialInactive";
    public const string DfnsCredentialKindUnsupported = "DfnsCredentialKindUnsupported";
    public const string DfnsCredentialKeyMismatch = "DfnsCredentialKeyMismatch";
    public const string DfnsCredentialExists = "DfnsCredentialExists";
    public const string DfnsCredentialIsCurrent = "DfnsCredentialIsCurrent";
    public const string DfnsLastActiveCredential = "DfnsLastActiveCredential";
    public const string DfnsCredentialCreationForbidden = "DfnsCredentialCreationForbidden";
    public const string DfnsKeyTypeUnsupported = "DfnsKeyTypeUnsupported";
    public const string DfnsUserActionCredentialNotAllowed = "DfnsUserActionCredentialNotAllowed";
    public const string DfnsUserActionRefused = "DfnsUserActionRefused";
    public const string DfnsPolicyApprovalPending = "DfnsPolicyApprovalPending";
    public const string DfnsRotationVerificationFailed = "DfnsRotationVerificationFailed";
    public const string DfnsRotationDeployFailed = "DfnsRotationDeployFailed";

    // ---- Dfns webhooks (Get/New/Remove-DfnsWebhook, Test-WebhookSignature) ----
    public const string WebhookSecretRequired = "WebhookSecretRequired";
    public const string WebhookSecretEmpty = "WebhookSecretEmpty";
    public const string WebhookMaxAgeInvalid = "WebhookMaxAgeInvalid";
    public const string DfnsWebhookNotFound = "DfnsWebhookNotFound";
    public const string DfnsWebhookIdInvalid = "DfnsWebhookIdInvalid";
    public const string DfnsWebhookUrlInvalid = "DfnsWebhookUrlInvalid";
    public const string DfnsWebhookEventsMissing = "DfnsWebhookEventsMissing";
    public const string DfnsWebhookStatusInvalid = "DfnsWebhookStatusInvalid";
    public const string DfnsWebhookSecretMissing = "DfnsWebhookSecretMissing";
    public const string DfnsWebhookLikeInvalid = "DfnsWebhookLikeInvalid";

    // ---- OpenID client registration management, RFC 7592 (Connect-OidcClientRegistration) ----
    public const string OidcRegistrationTokenInvalid = "OidcRegistrationTokenInvalid";
    public const string OidcRegistrationClientUriInvalid = "OidcRegistrationClientUriInvalid";
    public const string OidcClientIdMismatch = "OidcClientIdMismatch";
    public const string OidcClientUsesJwksUri = "OidcClientUsesJwksUri";
    public const string OidcClientNotPrivateKeyJwt = "OidcClientNotPrivateKeyJwt";
    public const string OidcKeyCannotBeDetached = "OidcKeyCannotBeDetached";
    public const string OidcExpiryUnsupported = "OidcExpiryUnsupported";
    public const string OidcDiscoveryFailed = "OidcDiscoveryFailed";
    public const string KeepPreviousUnsupported = "KeepPreviousUnsupported";

    // ---- Key custody in SecretManagement vaults (-Vault/-SecretName on Export/Import-RotationKey and the rotation cmdlets) ----
    public const string SecretManagementNotInstalled = "SecretManagementNotInstalled";
    public const string VaultParameterMissing = "VaultParameterMissing";
    public const string VaultReadFailed = "VaultReadFailed";
    public const string VaultWriteFailed = "VaultWriteFailed";
    public const string VaultSecretExists = "VaultSecretExists";
    public const string VaultSecretNotFound = "VaultSecretNotFound";
    public const string VaultSecretInvalid = "VaultSecretInvalid";
    public const string VaultSecretKidMismatch = "VaultSecretKidMismatch";
    public const string SecretNameHoldsCurrentKey = "SecretNameHoldsCurrentKey";

    // ---- Terraform export (ConvertTo-TerraformClientCredential) ----
    public const string TerraformResourceNameInvalid = "TerraformResourceNameInvalid";
    public const string TerraformNoAttachedCredential = "TerraformNoAttachedCredential";
    public const string TerraformAuthenticationMethodUnsupported = "TerraformAuthenticationMethodUnsupported";
}
