namespace PsCredRotate.Emulator.Auth0;

/// <summary>
/// Every error text the Auth0 surface answers with, in one place. Texts marked uncertain in the
/// reference (docs/emulator.md lists them) are the emulator's documented choice.
/// </summary>
public static class Auth0Messages
{
    // Management API
    public const string MissingAuthentication = "Missing authentication";
    public const string InvalidToken = "Invalid token";
    public const string InvalidSignature = "Invalid signature received for JSON Web Token validation";
    public const string ExpiredToken = "Expired token received for JSON Web Token validation";
    public const string ClientNotFound = "The client does not exist";
    public const string CredentialNotFound = "Credential does not exist";
    public const string ConnectionNotFound = "The connection does not exist";
    public const string SigningKeyNotFound = "Signing key not found";
    public const string InvalidJson = "Invalid request payload JSON format";
    public const string CredentialStillAttached = "Cannot delete credential still associated with a client";
    public const string PoolFull = "A client can have a maximum of 4 credentials.";
    public const string DuplicateKey = "credentials contains public keys that already exist in client";
    public const string RotateSecretPrivateKeyJwt = "This endpoint cannot be used with clients configured with Private Key JWT authentication method (client_authentication_methods configured with private_key_jwt).";
    public const string RevokeNotPrevious = "Only the previous signing key can be revoked.";
    public const string ConnectionKeysNotAvailable = "keys are not available for this connection";
    public const string ConnectionRotateNotSupported = "Key rotation is not supported on this connection";
    public const string ConnectionNotJwt = "Connection is not configured to use JWT Client Authentication";
    public const string ConnectionKeysExist = "Keys have already been created for this connection.";

    // Authentication API (/oauth/token)
    public const string Unauthorized = "Unauthorized";
    public const string NoAudience = "No audience parameter was provided, and no default audience has been configured";

    public static string AdditionalProperties(string name) => $"Payload validation error: 'Additional properties not allowed: {name}'";

    public static string ArrayTooLong(int count, string property) => $"Payload validation error: 'Array is too long ({count}), maximum 2' on property {property}.";

    public static string InsufficientScopeAny(IEnumerable<string> scopes) => "Insufficient scope, expected any of: " + string.Join(", ", scopes);

    public static string InsufficientScopeAll(IEnumerable<string> scopes) => "Insufficient scope, expected all of: " + string.Join(", ", scopes);

    public static string ServiceNotEnabled(string audience) => $"Service not enabled within domain: {audience}";

    public static string NoClientGrant(string audience) =>
        $"Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants";
}
