namespace PsCredRotate.Core.Terraform;

/// <summary>
/// The names of the auth0/auth0 Terraform provider's <c>auth0_client_credentials</c> resource
/// (its schema: client_id, authentication_method, private_key_jwt { credentials { … } }) and of
/// Terraform's own <c>import</c> block (Terraform 1.5+; the resource is imported by client id).
/// </summary>
public static class TerraformWire
{
    public const string ResourceBlock = "resource";
    public const string ImportBlock = "import";
    public const string ImportTo = "to";
    public const string ImportId = "id";
    public const string ClientCredentialsResource = "auth0_client_credentials";
    public const string ClientId = "client_id";
    public const string AuthenticationMethod = "authentication_method";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string Credentials = "credentials";
    public const string Name = "name";
    public const string CredentialType = "credential_type";
    public const string Algorithm = "algorithm";
    public const string ExpiresAt = "expires_at";
    public const string Pem = "pem";

    // authentication_method values
    public const string MethodNone = "none";
    public const string MethodClientSecretPost = "client_secret_post";
    public const string MethodClientSecretBasic = "client_secret_basic";
    public const string MethodPrivateKeyJwt = "private_key_jwt";

    /// <summary>The format of expires_at (ISO 8601, UTC, milliseconds, as Auth0 answers it).</summary>
    public const string ExpiresAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
}
