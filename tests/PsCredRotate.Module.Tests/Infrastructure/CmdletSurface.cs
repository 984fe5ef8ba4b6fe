using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// The fixed cmdlet surface of the credential rotation cmdlets (the table in the issue-4 brief,
/// which docs and Pester also follow), written out as data the contract tests compare the compiled
/// cmdlets with.
/// </summary>
internal static class CmdletSurface
{
    public const string String = "System.String";
    public const string Strings = "System.String[]";
    public const string Int = "System.Int32";
    public const string Switch = "System.Management.Automation.SwitchParameter";
    public const string Secure = "System.Security.SecureString";

    // Dfns webhooks (Test-WebhookSignature, Get/New/Remove-DfnsWebhook)
    public const string Secures = "System.Security.SecureString[]";
    public const string WebhookSignatureResult = "PsCredRotate.Core.Dfns.Webhooks.WebhookSignatureResult";
    public const string Bool = "System.Boolean";
    public const string Webhook = "PsCredRotate.Core.Dfns.Webhooks.DfnsWebhook";
    public const string WebhookConnection = "PsCredRotate.Core.Dfns.DfnsConnection";
    public const string Date = "System.DateTimeOffset";
    public const string Span = "System.TimeSpan";
    public const string Script = "System.Management.Automation.ScriptBlock";
    public const string Key = "PsCredRotate.Core.Keys.RotationKey";
    public const string Algorithm = "PsCredRotate.Core.Keys.KeyAlgorithm";
    public const string Auth0Connection = "PsCredRotate.Core.Auth0.Auth0Connection";
    public const string AnyConnection = "PsCredRotate.Core.Rotation.IClientCredentialConnection";
    public const string Auth0Client = "PsCredRotate.Core.Auth0.Auth0Client";
    public const string Methods = "PsCredRotate.Core.Rotation.ClientAuthenticationMethod[]";
    public const string Credential = "PsCredRotate.Core.Rotation.ClientCredential";
    public const string CredentialType = "PsCredRotate.Core.Rotation.ClientCredentialType";
    public const string TestResult = "PsCredRotate.Core.Rotation.ClientCredentialTestResult";
    public const string Rotation = "PsCredRotate.Core.Rotation.ClientCredentialRotation";
    public const string SigningKey = "PsCredRotate.Core.SigningKeys.SigningKey";
    public const string SigningKeyStates = "PsCredRotate.Core.SigningKeys.SigningKeyState[]";
    public const string SigningKeyRotationResult = "PsCredRotate.Core.SigningKeys.SigningKeyRotationResult";
    public const string Uris = "System.Uri[]";
    public const string Expiring = "PsCredRotate.Core.Inventory.ExpiringCredential";
    public const string ExpirySources = "PsCredRotate.Core.Inventory.ExpiringCredentialSource[]";
    public const string SecretRotation = "PsCredRotate.Core.ClientSecrets.ClientSecretRotation";
    public const string ConnectionKey = "PsCredRotate.Core.ConnectionKeys.ConnectionKey";
    public const string DfnsConnection = "PsCredRotate.Core.Dfns.DfnsConnection";
    public const string DfnsCredential = "PsCredRotate.Core.Dfns.DfnsCredential";
    public const string DfnsTestResult = "PsCredRotate.Core.Dfns.DfnsCredentialTestResult";
    public const string DfnsRotation = "PsCredRotate.Core.Dfns.DfnsKeyRotationResult";
    public const string Uri = "System.Uri";
    public const string OidcConnection = "PsCredRotate.Core.Oidc.OidcConnection";

    /// <summary>How one parameter is declared: type, sets (null: all), where mandatory, pipeline binding, aliases.</summary>
    public sealed record Param(
        string Name,
        string Type,
        string[]? Sets = null,
        string[]? MandatoryIn = null,
        bool ByValue = false,
        bool ByPropertyName = false,
        string[]? Aliases = null,
        string[]? ValidateSet = null);

    public sealed record Cmdlet(
        string Name,
        string[] Outputs,
        bool ShouldProcess,
        string ConfirmImpact,
        string? DefaultSet,
        string[] Sets,
        Param[] Params);

    private static readonly string[] All = ["*"];

    private static Param ClientIdByName(string type = String, string[]? sets = null, bool mandatory = true) =>
        new("ClientId", type, sets, mandatory ? sets ?? All : null, ByPropertyName: true);

    private static Param CredentialIdByName() =>
        new("CredentialId", String, MandatoryIn: All, ByPropertyName: true, Aliases: ["Id", "Kid"]);

    private static readonly Param[] StartParams =
    [
        new("Connection", AnyConnection),
        ClientIdByName(Strings),
        new("Key", Key, ["Key"], ["Key"]),
        new("Algorithm", Algorithm, ["Generate"], ValidateSet: ["RS256", "RS384", "PS256", "ES256", "EdDSA"]),
        new("KeySize", Int, ["Generate"]),
        new("ExpiresAt", Date),
        new("ExpiresIn", Span),
        new("KeyPath", String),
        new("Password", Secure),
        new("Vault", String),
        new("SecretName", String),
        new("Name", String),
        new("Retire", Strings),
        new("PruneDetached", Switch),
        new("AllowAuthenticationMethodSwitch", Switch),
        new("Audience", String),
        new("ThrottleLimit", Int),
    ];

    public static readonly IReadOnlyList<Cmdlet> Cmdlets =
    [
        // ---- Dfns webhooks ----
        new("Test-WebhookSignature", [WebhookSignatureResult, Bool], false, "Medium", "Body", ["Body", "BodyBytes"],
        [
            new("Body", String, ["Body"], ["Body"]),
            new("BodyBytes", "System.Byte[]", ["BodyBytes"], ["BodyBytes"]),
            new("Signature", String, MandatoryIn: All),
            new("Secret", Secures, MandatoryIn: All),
            new("MaxAge", Span),
            new("Now", Date),
            new("AllowReserializedBody", Switch),
            new("Quiet", Switch),
        ]),
        new("Get-DfnsWebhook", [Webhook], false, "Medium", null, [],
        [
            new("Connection", WebhookConnection),
            new("WebhookId", Strings, ByPropertyName: true, Aliases: ["Id"]),
        ]),
        new("New-DfnsWebhook", [Webhook], true, "Medium", "Url", ["Url", "Like"],
        [
            new("Connection", WebhookConnection),
            new("Url", String, ["Url"], ["Url"]),
            new("Event", Strings, ["Url"], ["Url"], Aliases: ["Events"]),
            new("Like", "System.Object", ["Like"], ["Like"], ByValue: true),
            new("Description", String),
            new("Status", String, ValidateSet: ["Enabled", "Disabled"]),
            new("OutFile", String),
        ]),
        new("Remove-DfnsWebhook", [Webhook], true, "High", null, [],
        [
            new("Connection", WebhookConnection),
            new("WebhookId", String, MandatoryIn: All, ByPropertyName: true, Aliases: ["Id"]),
            new("PassThru", Switch),
        ]),

        // ---- Auth0 ----
        new("Connect-Auth0Tenant", [Auth0Connection], false, "Medium", "Environment", ["Secret", "Key", "KeyPath", "Environment"],
        [
            new("Domain", String, ["Secret", "Key", "KeyPath", "Environment"], ["Secret", "Key", "KeyPath"]),
            new("ClientId", String, ["Secret", "Key", "KeyPath", "Environment"], ["Secret", "Key", "KeyPath"]),
            new("ClientSecret", Secure, ["Secret"], ["Secret"]),
            new("Key", Key, ["Key"], ["Key"]),
            new("KeyPath", String, ["KeyPath"], ["KeyPath"]),
            new("Password", Secure, ["KeyPath"]),
            new("NoDefault", Switch),
        ]),
        new("Disconnect-Auth0Tenant", [], false, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
        ]),
        new("Connect-OidcClientRegistration", [OidcConnection], false, "Medium", null, [],
        [
            new("RegistrationClientUri", Uri, MandatoryIn: All),
            new("RegistrationAccessToken", Secure, MandatoryIn: All),
            new("Issuer", Uri),
            new("NoDefault", Switch),
        ]),
        new("Disconnect-OidcClientRegistration", [], false, "Medium", null, [],
        [
            new("Connection", OidcConnection),
        ]),
        new("Disconnect-DfnsOrganization", [], false, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
        ]),
        new("Get-Auth0Client", [Auth0Client], false, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            ClientIdByName(Strings, mandatory: false),
            new("Name", String),
            new("AppType", Strings),
            new("AuthenticationMethod", Methods),
        ]),
        new("Get-ClientCredential", [Credential], false, "Medium", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            new("CredentialId", String, ByPropertyName: true, Aliases: ["Kid"]),
        ]),
        new("Add-ClientCredential", [Credential], true, "Medium", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            new("Key", Key, MandatoryIn: All, ByValue: true),
            new("Name", String),
            new("ExpiresAt", Date),
            new("ParseExpiryFromCertificate", Switch),
            new("CredentialType", CredentialType),
            new("Attach", Switch),
        ]),
        new("Enable-ClientCredential", [Credential], true, "Medium", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            CredentialIdByName(),
            new("PassThru", Switch),
        ]),
        new("Disable-ClientCredential", [Credential], true, "Medium", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            CredentialIdByName(),
            new("Force", Switch),
            new("PassThru", Switch),
        ]),
        new("Set-ClientCredential", [Credential], true, "Medium", "ExpiresAt", ["ExpiresAt", "NeverExpires"],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            CredentialIdByName(),
            new("ExpiresAt", Date, ["ExpiresAt"], ["ExpiresAt"]),
            new("NeverExpires", Switch, ["NeverExpires"], ["NeverExpires"]),
            new("PassThru", Switch),
        ]),
        new("Remove-ClientCredential", [], true, "High", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            CredentialIdByName(),
            new("Force", Switch),
        ]),
        new("Test-ClientCredential", [TestResult], false, "Medium", null, [],
        [
            new("Connection", AnyConnection),
            ClientIdByName(),
            new("Key", Key, MandatoryIn: All, ByValue: true),
            new("Audience", String),
        ]),
        new("Start-ClientCredentialRotation", [Rotation], true, "Medium", "Generate", ["Generate", "Key"], StartParams),
        new("Complete-ClientCredentialRotation", [Rotation], true, "High", "Rotation", ["Rotation", "ClientId"],
        [
            new("Connection", AnyConnection),
            new("Rotation", Rotation, ["Rotation"], ["Rotation"], ByValue: true),
            ClientIdByName(String, ["ClientId"]),
            new("Key", Key, ["ClientId"], ["ClientId"]),
            new("Retire", Strings, ["ClientId"]),
            new("KeepPrevious", Switch),
            new("Audience", String),
            new("ThrottleLimit", Int),
        ]),
        new("Undo-ClientCredentialRotation", [Rotation], true, "High", "Rotation", ["Rotation", "Kid"],
        [
            new("Connection", AnyConnection),
            new("Rotation", Rotation, ["Rotation"], ["Rotation"], ByValue: true),
            ClientIdByName(String, ["Kid"]),
            new("NewKid", String, ["Kid"], ["Kid"], ByPropertyName: true),
        ]),
        new("Invoke-ClientCredentialRotation", [Rotation], true, "High", "Generate", ["Generate", "Key"],
        [
            .. StartParams,
            new("Deploy", Script, MandatoryIn: All),
            new("KeepPrevious", Switch),
        ]),
        new("Get-SigningKey", [SigningKey], false, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            new("Kid", Strings, ByPropertyName: true),
            new("State", SigningKeyStates),
        ]),
        new("Revoke-SigningKey", [SigningKey], true, "High", "Kid", ["Kid", "Previous"],
        [
            new("Connection", Auth0Connection),
            new("Kid", String, ["Kid"], ["Kid"], ByPropertyName: true),
            new("Previous", Switch, ["Previous"], ["Previous"]),
            new("RetentionPeriod", Span),
            new("Force", Switch),
            new("PassThru", Switch),
        ]),
        new("Invoke-SigningKeyRotation", [SigningKeyRotationResult], true, "High", null, [],
        [
            new("Connection", Auth0Connection),
            new("RotateAfter", Span),
            new("PropagationTime", Span),
            new("RetentionPeriod", Span),
            new("RevokePrevious", Switch),
            new("VerifyJwksUri", Uris),
        ]),
        new("Get-ExpiringCredential", [Expiring], false, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            new("Within", Span),
            new("Source", ExpirySources),
        ]),
        new("Invoke-ClientSecretRotation", [SecretRotation], true, "High", null, [],
        [
            new("Connection", Auth0Connection),
            ClientIdByName(),
            new("OutFile", String),
            new("Force", Switch),
        ]),
        new("Get-ConnectionKey", [ConnectionKey], false, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            new("ConnectionId", String, MandatoryIn: All, ByPropertyName: true),
        ]),
        new("New-ConnectionKey", [ConnectionKey], true, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            new("ConnectionId", String, MandatoryIn: All, ByPropertyName: true),
            new("SigningAlgorithm", String, ValidateSet: ["RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384"]),
        ]),
        new("Invoke-ConnectionKeyRotation", [ConnectionKey], true, "High", null, [],
        [
            new("Connection", Auth0Connection),
            new("ConnectionId", String, MandatoryIn: All, ByPropertyName: true),
            new("SigningAlgorithm", String, ValidateSet: ["RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384"]),
        ]),
        new("Connect-DfnsOrganization", [DfnsConnection], false, "Medium", "Key", ["Key", "KeyPath"],
        [
            new("Token", Secure, MandatoryIn: All),
            new("CredentialId", String, MandatoryIn: All),
            new("Key", Key, ["Key"], ["Key"]),
            new("KeyPath", String, ["KeyPath"], ["KeyPath"]),
            new("Password", Secure, ["KeyPath"]),
            new("BaseUri", String),
            new("AppId", String),
            new("NoDefault", Switch),
        ]),
        new("Get-DfnsCredential", [DfnsCredential], false, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
            new("CredentialUuid", Strings, ByPropertyName: true),
            new("Kind", String),
        ]),
        new("Add-DfnsCredential", [DfnsCredential], true, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
            new("Key", Key, MandatoryIn: All, ByValue: true),
            new("Name", String),
        ]),
        new("Test-DfnsCredential", [DfnsTestResult], false, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
            new("Key", Key, MandatoryIn: All, ByValue: true),
            new("CredentialId", String, ByPropertyName: true),
        ]),
        new("Disable-DfnsCredential", [DfnsCredential], true, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
            new("CredentialUuid", String, MandatoryIn: All, ByPropertyName: true),
            new("Force", Switch),
            new("PassThru", Switch),
        ]),
        new("Enable-DfnsCredential", [DfnsCredential], true, "Medium", null, [],
        [
            new("Connection", DfnsConnection),
            new("CredentialUuid", String, MandatoryIn: All, ByPropertyName: true),
            new("PassThru", Switch),
        ]),
        new("Invoke-DfnsKeyRotation", [DfnsRotation], true, "High", "Generate", ["Generate", "NewKey"],
        [
            new("Connection", DfnsConnection),
            new("NewKey", Key, ["NewKey"], ["NewKey"]),
            new("Algorithm", Algorithm, ["Generate"], ValidateSet: ["ES256", "EdDSA", "RS256"]),
            new("KeyPath", String),
            new("Password", Secure),
            new("Vault", String),
            new("SecretName", String),
            new("Name", String),
            new("Deploy", Script),
        ]),

        // ---- ops: Terraform export ----
        new("ConvertTo-TerraformClientCredential", ["System.String", "System.IO.FileInfo"], true, "Medium", null, [],
        [
            new("Connection", Auth0Connection),
            ClientIdByName(Strings),
            new("Key", "PsCredRotate.Core.Keys.RotationKey[]"),
            new("KeyPath", Strings),
            new("Password", Secure),
            new("PemDirectory", String),
            new("ResourceName", String),
            new("NoImport", Switch),
            new("OutFile", String),
            new("Force", Switch),
        ]),
    ];

    public static IEnumerable<object[]> Names => Cmdlets.Select(c => new object[] { c.Name });

    public static Cmdlet Find(string name) => Cmdlets.Single(c => c.Name == name);
}
