using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Tests.Auth0;

public sealed class CredentialTests
{
    private const string Base = "clients/" + Tenant.SampleClientId;

    [Fact]
    public async Task Create_answers_201_with_the_RFC_7638_thumbprint_as_kid_and_no_pem()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(key, "first"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.StartsWith("cred_", body!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(27, body["id"]!.GetValue<string>().Length);
        Assert.Equal(Thumbprint(key), body["kid"]!.GetValue<string>());
        Assert.Equal("RS256", body["alg"]!.GetValue<string>());
        Assert.Equal("public_key", body["credential_type"]!.GetValue<string>());
        Assert.Equal("first", body["name"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body["created_at"]!.GetValue<string>());
        Assert.Equal(body["created_at"]!.GetValue<string>(), body["updated_at"]!.GetValue<string>());
        Assert.False(body.AsObject().ContainsKey("expires_at"));
        Assert.False(body.AsObject().ContainsKey("pem"));
    }

    [Fact]
    public async Task List_is_a_bare_array_whatever_the_paging_and_get_shows_a_null_expiry()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        (_, JsonNode? created) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(key, "k"));
        string id = created!["id"]!.GetValue<string>();

        (HttpStatusCode status, JsonNode? list) = await tenant.GetAsync(Base + "/credentials?include_totals=true&per_page=50");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonNode only = Assert.Single(list!.AsArray())!;
        Assert.Equal(id, only["id"]!.GetValue<string>());
        Assert.True(only.AsObject().ContainsKey("expires_at"));
        Assert.Null(only["expires_at"]);

        (status, JsonNode? got) = await tenant.GetAsync(Base + "/credentials/" + id);
        Assert.Equal(HttpStatusCode.OK, status);
        Tenant.AssertJson(only, got);
    }

    [Fact]
    public async Task A_certificate_with_parse_expiry_from_cert_takes_its_notAfter_and_an_explicit_expiry_wins()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        var notAfter = new DateTimeOffset(2031, 5, 13, 9, 33, 13, TimeSpan.Zero);
        string pem = Certificate(key, notAfter);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", new JsonObject
        {
            ["credential_type"] = "public_key", ["name"] = "cert", ["pem"] = pem, ["parse_expiry_from_cert"] = true,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("2031-05-13T09:33:13.000Z", body!["expires_at"]!.GetValue<string>());
        Assert.Equal(Thumbprint(key), body["kid"]!.GetValue<string>());

        using RSA other = RSA.Create(2048);
        (status, body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", new JsonObject
        {
            ["credential_type"] = "public_key", ["name"] = "cert2", ["pem"] = Certificate(other, notAfter), ["parse_expiry_from_cert"] = true, ["expires_at"] = "2096-01-02T03:04:05.678+02:00",
        });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("2096-01-02T01:04:05.678Z", body!["expires_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_x509_cert_credential_has_a_sha256_thumbprint_and_the_certificates_expiry()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        var notAfter = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string pem = Certificate(key, notAfter);
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", new JsonObject
        {
            ["credential_type"] = "x509_cert", ["name"] = "mtls", ["pem"] = pem,
        });

        Assert.Equal(HttpStatusCode.Created, status);
        byte[] der = Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal(AssertionBuilder.B64(SHA256.HashData(der)), body!["thumbprint_sha256"]!.GetValue<string>());
        Assert.Equal("2030-01-01T00:00:00.000Z", body["expires_at"]!.GetValue<string>());
        Assert.Null(body["kid"]);
    }

    [Fact]
    public async Task A_cert_subject_dn_credential_shows_the_subject_in_certificate_order_one_RDN_per_line()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=client.example.org, O=Client, L=Chiyoda-ku, ST=Tokyo, C=JP", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", new JsonObject
        {
            ["credential_type"] = "cert_subject_dn", ["name"] = "mtls", ["pem"] = cert.ExportCertificatePem(),
        });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("C=JP\nST=Tokyo\nL=Chiyoda-ku\nO=Client\nCN=client.example.org", body!["subject_dn"]!.GetValue<string>());
        Assert.Null(body["expires_at"]);
    }

    [Fact]
    public async Task A_given_kid_is_kept()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        JsonObject request = PublicKey(key, "named");
        request["kid"] = "my-own-kid-0001";
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", request);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("my-own-kid-0001", body!["kid"]!.GetValue<string>());
    }

    public static TheoryData<string, string> BadCreates => new()
    {
        { "small key", "The key size must be between 2048 and 4096 bits (got 1024)." },
        { "bad alg", "Payload validation error: 'No enum match for: \"ES256\"' on property alg." },
        { "unknown field", "Payload validation error: 'Additional properties not allowed: color'" },
        { "bad kid", "Payload validation error: 'String does not match pattern ^[0-9a-zA-Z-_]{10,64}$: short' on property kid." },
        { "no type", "Payload validation error: 'Missing required property: credential_type'." },
        { "not a key", "The pem is not a valid public key or certificate." },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task A_bad_create_is_400_invalid_body_and_stores_nothing(string fault, string message)
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(fault == "small key" ? 1024 : 2048);
        JsonObject request = PublicKey(key, "bad");
        switch (fault)
        {
            case "bad alg": request["alg"] = "ES256"; break;
            case "unknown field": request["color"] = "blue"; break;
            case "bad kid": request["kid"] = "short"; break;
            case "no type": request.Remove("credential_type"); break;
            case "not a key": request["pem"] = "hello"; break;
        }

        string before = await tenant.SnapshotAsync(Base + "/credentials");
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", message, "invalid_body"), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base + "/credentials"));
    }

    [Fact]
    public async Task The_same_key_twice_on_one_client_is_refused_but_another_client_may_hold_it()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Created, (await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(key, "a"))).Status);
        string before = await tenant.SnapshotAsync(Base + "/credentials");

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(key, "b"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "credentials contains public keys that already exist in client", "invalid_body"), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base + "/credentials"));

        (HttpStatusCode other, JsonNode? otherBody) = await tenant.ApiAsync(HttpMethod.Post, $"clients/{EmulatorOptions.DefaultManagementClientId}/credentials", PublicKey(key, "c"));
        Assert.Equal(HttpStatusCode.Created, other);
        Assert.Equal(Thumbprint(key), otherBody!["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_fifth_credential_is_refused_and_the_pool_keeps_four()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        for (int i = 0; i < 4; i++)
        {
            using RSA k = RSA.Create(2048);
            Assert.Equal(HttpStatusCode.Created, (await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(k, "k" + i))).Status);
        }

        string before = await tenant.SnapshotAsync(Base + "/credentials");
        using RSA fifth = RSA.Create(2048);
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Post, Base + "/credentials", PublicKey(fifth, "k4"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "A client can have a maximum of 4 credentials.", null), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base + "/credentials"));
        Assert.Equal(4, JsonNode.Parse(before)!.AsArray().Count);
    }

    [Fact]
    public async Task A_third_attached_credential_is_refused_with_array_is_too_long()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            using RSA k = RSA.Create(2048);
            ids.Add(await ClientAssertionTests.CreateAsync(tenant, k, "RS256"));
        }

        await ClientAssertionTests.AttachIdsAsync(tenant, ids[0], ids[1]);
        string before = await tenant.SnapshotAsync(Base);

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Patch, Base, Attach(ids.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Payload validation error: 'Array is too long (3), maximum 2' on property client_authentication_methods.private_key_jwt.credentials.", "invalid_body"), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base));
    }

    [Fact]
    public async Task Attaching_an_unknown_credential_is_refused_and_changes_nothing()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        string before = await tenant.SnapshotAsync(Base);
        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Patch, Base, Attach("cred_doesNotExist0000000"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("One or more of the credentials", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await tenant.SnapshotAsync(Base));
    }

    [Fact]
    public async Task Deleting_an_attached_credential_is_refused_then_allowed_once_detached()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA a = RSA.Create(2048);
        using RSA b = RSA.Create(2048);
        string first = await ClientAssertionTests.CreateAsync(tenant, a, "RS256");
        string second = await ClientAssertionTests.CreateAsync(tenant, b, "RS256");
        await ClientAssertionTests.AttachIdsAsync(tenant, first, second);
        string before = await tenant.SnapshotAsync(Base + "/credentials");

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Delete, Base + "/credentials/" + first);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Cannot delete credential still associated with a client", null), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base + "/credentials"));

        await ClientAssertionTests.AttachIdsAsync(tenant, second);
        (status, body) = await tenant.ApiAsync(HttpMethod.Delete, Base + "/credentials/" + first);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Null(body);
        (_, JsonNode? list) = await tenant.GetAsync(Base + "/credentials");
        Assert.Equal(second, Assert.Single(list!.AsArray())!["id"]!.GetValue<string>());

        // Deleting it again answers 204 too (recorded).
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.ApiAsync(HttpMethod.Delete, Base + "/credentials/" + first)).Status);
    }

    [Fact]
    public async Task Patch_sets_only_expires_at_and_answers_200()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        using RSA key = RSA.Create(2048);
        string id = await ClientAssertionTests.CreateAsync(tenant, key, "RS256");

        (HttpStatusCode status, JsonNode? body) = await tenant.ApiAsync(HttpMethod.Patch, Base + "/credentials/" + id, new JsonObject { ["expires_at"] = "2023-05-16T11:07:30.535694+02:00" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2023-05-16T09:07:30.535Z", body!["expires_at"]!.GetValue<string>());

        string before = await tenant.SnapshotAsync(Base + "/credentials/" + id);
        (status, body) = await tenant.ApiAsync(HttpMethod.Patch, Base + "/credentials/" + id, new JsonObject { ["name"] = "renamed" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Tenant.AssertJson(Tenant.Error(400, "Bad Request", "Payload validation error: 'Additional properties not allowed: name'", "invalid_body"), body);
        Assert.Equal(before, await tenant.SnapshotAsync(Base + "/credentials/" + id));
    }

    [Fact]
    public async Task Unknown_clients_and_credentials_are_404_with_Auth0s_body()
    {
        await using Tenant tenant = await Tenant.StartAsync();
        (HttpStatusCode status, JsonNode? body) = await tenant.GetAsync("clients/nope/credentials");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Tenant.AssertJson(Tenant.Error(404, "Not Found", "The client does not exist", "inexistent_client"), body);

        (status, body) = await tenant.GetAsync(Base + "/credentials/cred_nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Tenant.AssertJson(Tenant.Error(404, "Not Found", "Credential does not exist", "inexistent_credential"), body);
    }

    internal static JsonObject PublicKey(RSA key, string name) => new()
    {
        ["credential_type"] = "public_key",
        ["name"] = name,
        ["pem"] = key.ExportSubjectPublicKeyInfoPem(),
        ["alg"] = "RS256",
    };

    internal static JsonObject Attach(params string[] ids) => new()
    {
        ["client_authentication_methods"] = new JsonObject
        {
            ["private_key_jwt"] = new JsonObject { ["credentials"] = new JsonArray(ids.Select(id => (JsonNode?)new JsonObject { ["id"] = id }).ToArray()) },
        },
        ["token_endpoint_auth_method"] = null,
    };

    internal static string Thumbprint(RSA key)
    {
        RSAParameters p = key.ExportParameters(false);
        string json = "{\"e\":\"" + AssertionBuilder.B64(p.Exponent!) + "\",\"kty\":\"RSA\",\"n\":\"" + AssertionBuilder.B64(p.Modulus!) + "\"}";
        return AssertionBuilder.B64(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    private static string Certificate(RSA key, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(notAfter.AddYears(-1), notAfter);
        return cert.ExportCertificatePem();
    }
}
