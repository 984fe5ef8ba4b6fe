using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Tokens;

/// <summary>/.well-known/jwks.json and /.well-known/openid-configuration.</summary>
public static class Discovery
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/.well-known/jwks.json", (TenantContext tenant) =>
        {
            List<SigningKey> keys = tenant.Store.Read(s => s.SigningKeys
                .Where(k => !k.Revoked)
                .OrderBy(k => k.Current ? 0 : k.Next ? 1 : 2)
                .ToList());
            var array = new JsonArray();
            foreach (SigningKey key in keys)
            {
                array.Add(Jwk(key, tenant));
            }

            return ApiResults.Json(new JsonObject { ["keys"] = array });
        });

        app.MapGet("/.well-known/openid-configuration", (HttpContext http, TenantContext tenant) =>
        {
            string issuer = tenant.TenantUrl(http);
            var doc = new JsonObject
            {
                ["issuer"] = issuer,
                ["authorization_endpoint"] = issuer + "authorize",
                ["token_endpoint"] = issuer + "oauth/token",
                ["jwks_uri"] = issuer + ".well-known/jwks.json",
                ["grant_types_supported"] = new JsonArray("client_credentials"),
                ["response_types_supported"] = new JsonArray("code"),
                ["subject_types_supported"] = new JsonArray("public"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("HS256", "RS256", "PS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post", "private_key_jwt"),
                ["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("RS256", "RS384", "PS256"),
                ["scopes_supported"] = new JsonArray("openid", "profile", "offline_access", "name", "email"),
                ["claims_supported"] = new JsonArray("aud", "exp", "iat", "iss", "sub"),
            };
            return ApiResults.Json(doc);
        });
    }

    /// <summary>A signing key as Auth0 publishes it: alg, kty, use, n, e, kid, x5t (= kid), x5c.</summary>
    public static JsonObject Jwk(SigningKey key, TenantContext tenant)
    {
        RSAParameters p = tenant.Rsa(key.PrivateKeyPem).ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["n"] = KeyMaterial.Base64Url(KeyMaterial.Trim(p.Modulus!)),
            ["e"] = KeyMaterial.Base64Url(KeyMaterial.Trim(p.Exponent!)),
            ["kid"] = key.Kid,
            ["x5t"] = key.Kid,
            ["x5c"] = new JsonArray(CertBase64(key.CertPem)),
            ["alg"] = "RS256",
        };
    }

    public static string CertBase64(string pem) =>
        string.Concat(pem.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
}
