using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>Auth0's wire names and the reading of its answers into the public types.</summary>
internal static class Auth0Wire
{
    public const string ProviderName = "Auth0";

    public const string ClientId = "client_id";
    public const string Name = "name";
    public const string AppType = "app_type";
    public const string GrantTypes = "grant_types";
    public const string TokenEndpointAuthMethod = "token_endpoint_auth_method";
    public const string ClientAuthenticationMethods = "client_authentication_methods";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string TlsClientAuth = "tls_client_auth";
    public const string SelfSignedTlsClientAuth = "self_signed_tls_client_auth";
    public const string Credentials = "credentials";
    public const string Id = "id";
    public const string Kid = "kid";
    public const string Alg = "alg";
    public const string CredentialType = "credential_type";
    public const string Pem = "pem";
    public const string ExpiresAt = "expires_at";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";
    public const string ParseExpiryFromCert = "parse_expiry_from_cert";
    public const string PublicKey = "public_key";
    public const string X509Cert = "x509_cert";
    public const string Clients = "clients";
    public const string ClientGrants = "client_grants";
    public const string Audience = "audience";
    public const string Total = "total";
    public const string InexistentClient = "inexistent_client";

    /// <summary>The fields a client is read with: never client_secret.</summary>
    public const string ClientFields = "client_id,name,app_type,grant_types,token_endpoint_auth_method,client_authentication_methods";

    public static string MethodName(ClientAuthenticationMethod method) => method switch
    {
        ClientAuthenticationMethod.None => "none",
        ClientAuthenticationMethod.ClientSecretPost => "client_secret_post",
        ClientAuthenticationMethod.ClientSecretBasic => "client_secret_basic",
        ClientAuthenticationMethod.PrivateKeyJwt => PrivateKeyJwt,
        ClientAuthenticationMethod.TlsClientAuth => TlsClientAuth,
        ClientAuthenticationMethod.SelfSignedTlsClientAuth => SelfSignedTlsClientAuth,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public static string Timestamp(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static Auth0Client ReadClient(JsonElement o, string tenant)
    {
        string? id = Text(o, ClientId);
        if (string.IsNullOrEmpty(id))
        {
            throw new FormatException("a client without client_id");
        }

        ClientAuthenticationMethod method = ClientAuthenticationMethod.ClientSecretPost;
        var attached = new List<string>();
        if (o.TryGetProperty(ClientAuthenticationMethods, out JsonElement methods) && methods.ValueKind == JsonValueKind.Object)
        {
            if (methods.TryGetProperty(PrivateKeyJwt, out JsonElement pkj) && pkj.ValueKind == JsonValueKind.Object)
            {
                method = ClientAuthenticationMethod.PrivateKeyJwt;
                if (pkj.TryGetProperty(Credentials, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                {
                    attached.AddRange(list.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Object ? Text(c, Id) : null).Where(c => !string.IsNullOrEmpty(c))!);
                }
            }
            else if (methods.TryGetProperty(TlsClientAuth, out JsonElement tls) && tls.ValueKind == JsonValueKind.Object)
            {
                method = ClientAuthenticationMethod.TlsClientAuth;
            }
            else if (methods.TryGetProperty(SelfSignedTlsClientAuth, out JsonElement selfSigned) && selfSigned.ValueKind == JsonValueKind.Object)
            {
                method = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
            }
            else
            {
                method = SecretMethod(Text(o, TokenEndpointAuthMethod));
            }
        }
        else
        {
            method = SecretMethod(Text(o, TokenEndpointAuthMethod));
        }

        List<string> grants = o.TryGetProperty(GrantTypes, out JsonElement g) && g.ValueKind == JsonValueKind.Array
            ? g.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : new List<string>();
        return new Auth0Client(id!, Text(o, Name), Text(o, AppType), method, attached, grants, tenant);
    }

    public static ClientCredential ReadCredential(JsonElement o, string clientId, bool attached)
    {
        string? id = Text(o, Id);
        if (string.IsNullOrEmpty(id))
        {
            throw new FormatException("a credential without id");
        }

        return new ClientCredential(
            clientId,
            id!,
            Text(o, Kid),
            Text(o, Name),
            Text(o, Alg),
            Text(o, CredentialType) ?? PublicKey,
            attached,
            Date(o, CreatedAt),
            Date(o, UpdatedAt),
            Date(o, ExpiresAt),
            ProviderName);
    }

    public static string? Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static DateTimeOffset? Date(JsonElement o, string name)
    {
        string? text = Text(o, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw new FormatException($"'{name}' is not a date: '{text}'");
    }

    /// <summary>Parses a 2xx body, turning any shape problem into <see cref="ErrorIds.ApiResponseInvalid"/>.</summary>
    public static T Read<T>(ApiResponse response, ApiRequest request, Func<JsonElement, T> read)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(string.IsNullOrEmpty(response.Body) ? "null" : response.Body);
            return read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw ApiErrors.InvalidResponse(request.Method.Method, request.Path, response.StatusCode, ex.Message, request.Target, ex);
        }
    }

    private static ClientAuthenticationMethod SecretMethod(string? name) => name switch
    {
        "none" => ClientAuthenticationMethod.None,
        "client_secret_basic" => ClientAuthenticationMethod.ClientSecretBasic,
        _ => ClientAuthenticationMethod.ClientSecretPost,
    };
}
