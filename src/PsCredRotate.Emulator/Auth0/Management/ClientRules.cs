using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Management;

/// <summary>Clients: create and update bodies (validated before anything changes) and the JSON Auth0 answers.</summary>
public static class ClientRules
{
    /// <summary>UpdateClientRequestContent's properties (additionalProperties: false).</summary>
    public static readonly IReadOnlySet<string> PatchFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "addons", "allowed_clients", "allowed_logout_urls", "allowed_origins", "app_type", "async_approval_notification_channels",
        "callbacks", "client_aliases", "client_authentication_methods", "client_metadata", "client_secret", "compliance_level",
        "cross_origin_authentication", "cross_origin_loc", "custom_login_page", "custom_login_page_on", "custom_login_page_preview",
        "default_organization", "description", "encryption_key", "express_configuration", "form_template", "grant_types",
        "initiate_login_uri", "is_first_party", "is_token_endpoint_ip_header_trusted", "jwt_configuration", "logo_uri", "mobile",
        "my_organization_configuration", "name", "native_social_login", "oidc_backchannel_logout", "oidc_conformant", "oidc_logout",
        "organization_discovery_methods", "organization_require_behavior", "organization_usage", "par_request_expiry",
        "redirection_policy", "refresh_token", "require_proof_of_possession", "require_pushed_authorization_requests",
        "session_transfer", "signed_request_object", "skip_non_verifiable_callback_uri_confirmation_prompt", "sso", "sso_disabled",
        "third_party_security_mode", "token_endpoint_auth_method", "token_exchange", "token_quota", "web_origins",
    };

    /// <summary>CreateClientRequestContent's properties: the update ones without client_secret, plus resource_server_identifier.</summary>
    public static readonly IReadOnlySet<string> CreateFields = new HashSet<string>(
        PatchFields.Where(f => f != "client_secret").Append("resource_server_identifier"), StringComparer.Ordinal);

    private static readonly string[] SecretMethods = { AuthMethods.None, AuthMethods.ClientSecretPost, AuthMethods.ClientSecretBasic };

    private static readonly Dictionary<string, string> MethodCredentialType = new(StringComparer.Ordinal)
    {
        [AuthMethods.PrivateKeyJwt] = "public_key",
        [AuthMethods.TlsClientAuth] = "cert_subject_dn",
        [AuthMethods.SelfSignedTlsClientAuth] = "x509_cert",
    };

    /// <summary>A new client from a POST /clients body (inline credentials are created and attached).</summary>
    public static Client Create(JsonObject body, DateTimeOffset now, string? clientId = null, string? clientSecret = null)
    {
        ApiResults.RejectUnknown(body, CreateFields);
        string name = ApiResults.OptionalString(body, "name") ?? throw ApiError.BadBody("Payload validation error: 'Missing required property: name'.");
        var client = new Client
        {
            ClientId = clientId ?? KeyMaterial.AlphanumericId(32),
            ClientSecret = clientSecret ?? KeyMaterial.NewSecret(),
            Name = name,
            TokenEndpointAuthMethod = null,
            JwtConfiguration = new JsonObject { ["secret_encoded"] = false, ["lifetime_in_seconds"] = 36000 },
            Extra = new JsonObject
            {
                ["is_first_party"] = true,
                ["is_token_endpoint_ip_header_trusted"] = false,
                ["oidc_conformant"] = false,
                ["sso_disabled"] = false,
                ["cross_origin_authentication"] = false,
                ["custom_login_page_on"] = true,
                ["refresh_token"] = new JsonObject
                {
                    ["rotation_type"] = "non-rotating",
                    ["expiration_type"] = "non-expiring",
                    ["leeway"] = 0,
                    ["token_lifetime"] = 2592000,
                    ["infinite_token_lifetime"] = true,
                    ["infinite_idle_token_lifetime"] = true,
                    ["idle_token_lifetime"] = 1296000,
                },
            },
        };

        if (body["jwt_configuration"] is JsonObject jwt)
        {
            client.JwtConfiguration = new JsonObject { ["secret_encoded"] = false };
            foreach (KeyValuePair<string, JsonNode?> p in jwt)
            {
                client.JwtConfiguration[p.Key] = p.Value?.DeepClone();
            }
        }

        var rest = (JsonObject)body.DeepClone();
        rest.Remove("jwt_configuration");
        JsonNode? methods = rest["client_authentication_methods"];
        rest.Remove("client_authentication_methods");
        ApplyCommon(client, rest);

        if (methods is JsonObject methodObject)
        {
            (string method, JsonArray items) = SingleMethod(methodObject);
            CheckSlotLength(method, items.Count);
            var created = new List<Credential>();
            foreach (JsonNode? item in items)
            {
                Credential credential = CredentialRules.Build(item as JsonObject ?? throw ApiError.BadBody("Payload validation error: 'Expected type object' on property client_authentication_methods." + method + ".credentials."), client, now, created.Count);
                if (created.Exists(c => c.KeyThumbprint == credential.KeyThumbprint))
                {
                    throw new ApiError(400, Auth0Messages.DuplicateKey, "invalid_body");
                }

                CheckType(method, credential);
                created.Add(credential);
            }

            client.Credentials.AddRange(created);
            client.AuthenticationMethods = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [method] = created.ConvertAll(c => c.Id) };
            client.TokenEndpointAuthMethod = null;
        }

        return client;
    }

    /// <summary>Applies a PATCH body. Everything is checked first, so a refusal leaves the client as it was.</summary>
    public static void Patch(Client client, JsonObject body, IReadOnlySet<string> scopes)
    {
        ApiResults.RejectUnknown(body, PatchFields);
        bool hasMethods = body.TryGetPropertyValue("client_authentication_methods", out JsonNode? methodsNode);
        bool hasTema = body.TryGetPropertyValue("token_endpoint_auth_method", out JsonNode? temaNode);
        if (hasMethods && !scopes.Contains("update:client_credentials"))
        {
            throw new ApiError(403, Auth0Messages.InsufficientScopeAny(new[] { "update:client_credentials" }), "insufficient_scope");
        }

        if (body.ContainsKey("client_secret") && !scopes.Contains("update:client_keys"))
        {
            throw new ApiError(403, Auth0Messages.InsufficientScopeAny(new[] { "update:client_keys" }), "insufficient_scope");
        }

        string? tema = hasTema ? ApiResults.OptionalString(body, "token_endpoint_auth_method") : null;
        if (tema is not null && Array.IndexOf(SecretMethods, tema) < 0)
        {
            throw ApiError.BadBody($"Payload validation error: 'No enum match for: \"{tema}\"' on property token_endpoint_auth_method.");
        }

        Dictionary<string, List<string>>? newMethods = client.AuthenticationMethods;
        if (hasMethods)
        {
            if (methodsNode is null)
            {
                newMethods = null;
            }
            else if (methodsNode is JsonObject methodObject)
            {
                if (tema is not null)
                {
                    throw ApiError.BadBody("Payload validation error: 'token_endpoint_auth_method' cannot be set together with 'client_authentication_methods'.");
                }

                (string method, JsonArray items) = SingleMethod(methodObject);
                List<string> ids = ReadIds(items, "client_authentication_methods." + method + ".credentials");
                CheckSlotLength(method, ids.Count);
                foreach (string id in ids)
                {
                    Credential credential = client.FindCredential(id)
                        ?? throw ApiError.BadBody($"One or more of the credentials provided in client_authentication_methods.{method}.credentials do not exist: {id}");
                    CheckType(method, credential);
                }

                newMethods = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [method] = ids };
            }
            else
            {
                throw ApiError.BadBody($"Payload validation error: 'Expected type object but found type {ApiResults.Kind(methodsNode)}' on property client_authentication_methods.");
            }
        }
        else if (tema is not null && client.AuthenticationMethods is not null)
        {
            throw ApiError.BadBody("Payload validation error: 'token_endpoint_auth_method' cannot be set while 'client_authentication_methods' is configured; set client_authentication_methods to null.");
        }

        JsonObject? newSro = client.SignedRequestObject;
        if (body.TryGetPropertyValue("signed_request_object", out JsonNode? sroNode))
        {
            if (sroNode is null)
            {
                newSro = null;
            }
            else if (sroNode is JsonObject sro)
            {
                if (sro["credentials"] is JsonArray sroItems)
                {
                    List<string> ids = ReadIds(sroItems, "signed_request_object.credentials");
                    CheckSlotLength("signed_request_object", ids.Count, "signed_request_object.credentials");
                    foreach (string id in ids)
                    {
                        _ = client.FindCredential(id) ?? throw ApiError.BadBody($"One or more of the credentials provided in signed_request_object.credentials do not exist: {id}");
                    }
                }

                newSro = (JsonObject)sro.DeepClone();
            }
            else
            {
                throw ApiError.BadBody($"Payload validation error: 'Expected type object but found type {ApiResults.Kind(sroNode)}' on property signed_request_object.");
            }
        }

        var rest = (JsonObject)body.DeepClone();
        rest.Remove("client_authentication_methods");
        rest.Remove("token_endpoint_auth_method");
        rest.Remove("signed_request_object");
        string? secret = ApiResults.OptionalString(rest, "client_secret");
        rest.Remove("client_secret");
        string? name = ApiResults.OptionalString(rest, "name");
        if (rest.ContainsKey("name") && string.IsNullOrEmpty(name))
        {
            throw ApiError.BadBody("Payload validation error: 'String is too short (0 chars), minimum 1' on property name.");
        }

        JsonObject? jwt = null;
        if (rest.TryGetPropertyValue("jwt_configuration", out JsonNode? jwtNode))
        {
            jwt = jwtNode as JsonObject ?? throw ApiError.BadBody("Payload validation error: 'Expected type object but found type " + ApiResults.Kind(jwtNode) + "' on property jwt_configuration.");
            rest.Remove("jwt_configuration");
        }

        List<string>? grantTypes = ReadGrantTypes(rest);
        _ = ApiResults.OptionalString(rest, "app_type");

        // Everything checked: apply.
        client.AuthenticationMethods = newMethods;
        client.SignedRequestObject = newSro;
        if (hasMethods && newMethods is not null)
        {
            client.TokenEndpointAuthMethod = null;
        }

        if (tema is not null)
        {
            client.TokenEndpointAuthMethod = tema;
        }

        if (secret is not null)
        {
            client.ClientSecret = secret;
        }

        if (jwt is not null)
        {
            foreach (KeyValuePair<string, JsonNode?> p in jwt)
            {
                client.JwtConfiguration[p.Key] = p.Value?.DeepClone();
            }
        }

        if (grantTypes is not null)
        {
            client.GrantTypes = grantTypes;
        }

        rest.Remove("grant_types");
        ApplyCommon(client, rest);
    }

    /// <summary>The client as Auth0 answers it; secrets and credential ids only with read:client_keys or read:client_credentials.</summary>
    public static JsonObject Render(Client c, string? signingCert, bool showKeys)
    {
        var o = new JsonObject { ["name"] = c.Name };
        if (c.Extra["description"] is JsonNode description)
        {
            o["description"] = description.DeepClone();
        }

        o["client_id"] = c.ClientId;
        if (showKeys && !c.UsesPrivateKeyJwt)
        {
            o["client_secret"] = c.ClientSecret;
        }

        if (c.AppType is not null)
        {
            o["app_type"] = c.AppType;
        }

        foreach (KeyValuePair<string, JsonNode?> p in c.Extra)
        {
            if (p.Key != "description")
            {
                o[p.Key] = p.Value?.DeepClone();
            }
        }

        o["jwt_configuration"] = c.JwtConfiguration.DeepClone();
        o["signing_keys"] = new JsonArray(new JsonObject { ["cert"] = signingCert ?? "" });
        o["grant_types"] = new JsonArray(c.GrantTypes.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        if (c.TokenEndpointAuthMethod is not null && !c.UsesPrivateKeyJwt)
        {
            o["token_endpoint_auth_method"] = c.TokenEndpointAuthMethod;
        }

        if (showKeys && c.AuthenticationMethods is not null)
        {
            var methods = new JsonObject();
            foreach (KeyValuePair<string, List<string>> m in c.AuthenticationMethods)
            {
                methods[m.Key] = new JsonObject
                {
                    ["credentials"] = new JsonArray(m.Value.Select(id => (JsonNode?)new JsonObject { ["id"] = id }).ToArray()),
                };
            }

            o["client_authentication_methods"] = methods;
        }

        if (c.SignedRequestObject is not null)
        {
            o["signed_request_object"] = c.SignedRequestObject.DeepClone();
        }

        return o;
    }

    /// <summary>The response of POST /clients: inline credentials shown whole.</summary>
    public static JsonObject RenderCreated(Client c, string? signingCert)
    {
        JsonObject o = Render(c, signingCert, showKeys: true);
        o["client_secret"] = c.ClientSecret;
        if (c.AuthenticationMethods is not null)
        {
            var methods = new JsonObject();
            foreach (KeyValuePair<string, List<string>> m in c.AuthenticationMethods)
            {
                methods[m.Key] = new JsonObject
                {
                    ["credentials"] = new JsonArray(m.Value.Select(id => (JsonNode?)CredentialRules.Render(c.FindCredential(id)!, nullExpiry: false)).ToArray()),
                };
            }

            o["client_authentication_methods"] = methods;
        }

        return o;
    }

    /// <summary>Keeps only the named fields (GET ?fields=a,b&amp;include_fields=true), or drops them (include_fields=false).</summary>
    public static JsonObject Project(JsonObject full, string? fields, string? includeFields)
    {
        if (string.IsNullOrWhiteSpace(fields))
        {
            return full;
        }

        var names = new HashSet<string>(fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
        bool include = !string.Equals(includeFields, "false", StringComparison.OrdinalIgnoreCase);
        var o = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> p in full)
        {
            // Auth0 answers signing_keys whatever the field list says (recorded).
            if (names.Contains(p.Key) == include || p.Key == "signing_keys")
            {
                o[p.Key] = p.Value?.DeepClone();
            }
        }

        return o;
    }

    private static void ApplyCommon(Client client, JsonObject rest)
    {
        if (rest.ContainsKey("name"))
        {
            client.Name = ApiResults.OptionalString(rest, "name") ?? client.Name;
            rest.Remove("name");
        }

        if (rest.ContainsKey("app_type"))
        {
            client.AppType = ApiResults.OptionalString(rest, "app_type");
            rest.Remove("app_type");
        }

        if (rest.ContainsKey("token_endpoint_auth_method"))
        {
            string? tema = ApiResults.OptionalString(rest, "token_endpoint_auth_method");
            if (tema is not null && Array.IndexOf(SecretMethods, tema) < 0)
            {
                throw ApiError.BadBody($"Payload validation error: 'No enum match for: \"{tema}\"' on property token_endpoint_auth_method.");
            }

            client.TokenEndpointAuthMethod = tema;
            rest.Remove("token_endpoint_auth_method");
        }

        if (ReadGrantTypes(rest) is { } grants)
        {
            client.GrantTypes = grants;
        }

        rest.Remove("grant_types");
        foreach (KeyValuePair<string, JsonNode?> p in rest.ToList())
        {
            if (p.Value is null)
            {
                client.Extra.Remove(p.Key);
            }
            else
            {
                client.Extra[p.Key] = p.Value.DeepClone();
            }
        }
    }

    private static List<string>? ReadGrantTypes(JsonObject body)
    {
        if (!body.TryGetPropertyValue("grant_types", out JsonNode? node) || node is null)
        {
            return null;
        }

        if (node is JsonArray array && array.All(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            return array.Select(n => n!.GetValue<string>()).ToList();
        }

        throw ApiError.BadBody("Payload validation error: 'Expected type array of strings' on property grant_types.");
    }

    private static (string Method, JsonArray Items) SingleMethod(JsonObject methods)
    {
        if (methods.Count != 1)
        {
            throw ApiError.BadBody(methods.Count == 0
                ? "Payload validation error: 'Too few properties defined (0), minimum 1' on property client_authentication_methods."
                : $"Payload validation error: 'Too many properties defined ({methods.Count}), maximum 1' on property client_authentication_methods.");
        }

        KeyValuePair<string, JsonNode?> only = methods.First();
        if (!MethodCredentialType.ContainsKey(only.Key))
        {
            throw ApiError.BadBody(Auth0Messages.AdditionalProperties(only.Key));
        }

        if (only.Value is not JsonObject slot || slot["credentials"] is not JsonArray items)
        {
            throw ApiError.BadBody($"Payload validation error: 'Missing required property: credentials' on property client_authentication_methods.{only.Key}.");
        }

        return (only.Key, items);
    }

    private static List<string> ReadIds(JsonArray items, string property)
    {
        var ids = new List<string>();
        foreach (JsonNode? item in items)
        {
            if (item is not JsonObject o || o["id"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw ApiError.BadBody($"Payload validation error: 'Missing required property: id' on property {property}.");
            }

            ids.Add(v.GetValue<string>());
        }

        return ids;
    }

    private static void CheckSlotLength(string method, int count, string? property = null)
    {
        if (count > CredentialRules.MaxAttached)
        {
            throw ApiError.BadBody(Auth0Messages.ArrayTooLong(count, property ?? "client_authentication_methods." + method + ".credentials"));
        }
    }

    private static void CheckType(string method, Credential credential)
    {
        string expected = MethodCredentialType[method];
        if (credential.CredentialType != expected)
        {
            throw ApiError.BadBody($"Credential {credential.Id} of type {credential.CredentialType} cannot be used with {method}; it needs {expected}.");
        }
    }
}
