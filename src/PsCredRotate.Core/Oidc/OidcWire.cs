using System;
using System.Collections.Generic;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Oidc;

/// <summary>The wire names of RFC 7591/7592 client metadata, RFC 7517 JWKs and OpenID discovery.</summary>
internal static class OidcWire
{
    public const string ProviderName = "Oidc";

    public const string ClientId = "client_id";
    public const string ClientName = "client_name";
    public const string Jwks = "jwks";
    public const string JwksUri = "jwks_uri";
    public const string Keys = "keys";
    public const string TokenEndpointAuthMethod = "token_endpoint_auth_method";
    public const string RegistrationAccessToken = "registration_access_token";
    public const string RegistrationClientUri = "registration_client_uri";
    public const string ClientSecretExpiresAt = "client_secret_expires_at";
    public const string ClientIdIssuedAt = "client_id_issued_at";

    public const string Kty = "kty";
    public const string Kid = "kid";
    public const string Alg = "alg";
    public const string Use = "use";
    public const string Sig = "sig";

    public const string Issuer = "issuer";
    public const string TokenEndpoint = "token_endpoint";
    public const string OpenIdConfiguration = "/.well-known/openid-configuration";
    public const string AuthorizationServerMetadata = "/.well-known/oauth-authorization-server";

    public const string PrivateKeyJwt = "private_key_jwt";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The default of token_endpoint_auth_method when a client has none (RFC 7591 §2).</summary>
    public const string DefaultAuthMethod = ClientSecretBasic;

    /// <summary>
    /// The members RFC 7592 §2.2 says a client update request must not carry (the server issued
    /// them; oidc-provider refuses a PUT that holds one).
    /// </summary>
    public static readonly IReadOnlyList<string> ServerIssuedMembers = new[]
    {
        RegistrationAccessToken,
        RegistrationClientUri,
        ClientSecretExpiresAt,
        ClientIdIssuedAt,
    };

    /// <summary>The credential type of a key in jwks (what Get-ClientCredential shows as Type).</summary>
    public const string JwkType = "jwk";

    public static ClientAuthenticationMethod Method(string? name) => name switch
    {
        PrivateKeyJwt => ClientAuthenticationMethod.PrivateKeyJwt,
        "none" => ClientAuthenticationMethod.None,
        "client_secret_post" => ClientAuthenticationMethod.ClientSecretPost,
        "tls_client_auth" => ClientAuthenticationMethod.TlsClientAuth,
        "self_signed_tls_client_auth" => ClientAuthenticationMethod.SelfSignedTlsClientAuth,
        null => ClientAuthenticationMethod.ClientSecretBasic,
        _ => ClientAuthenticationMethod.ClientSecretBasic,
    };

    /// <summary>The required RFC 7638 members per key type.</summary>
    public static IReadOnlyList<string>? ThumbprintMembers(string? kty) => kty switch
    {
        "RSA" => new[] { "e", "kty", "n" },
        "EC" => new[] { "crv", "kty", "x", "y" },
        "OKP" => new[] { "crv", "kty", "x" },
        _ => null,
    };

    /// <summary>True when two URIs name the same issuer (ordinal, a trailing slash ignored).</summary>
    public static bool SameIssuer(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);
}
