using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>A Dfns Key credential's key pair as a client holds it (test side: its own signing code).</summary>
internal sealed class TestKey
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;
    private readonly Ed25519PrivateKeyParameters? _ed;

    private TestKey(ECDsa? ec, RSA? rsa, Ed25519PrivateKeyParameters? ed, string publicPem, string type)
    {
        _ec = ec;
        _rsa = rsa;
        _ed = ed;
        PublicPem = publicPem;
        Type = type;
    }

    public string PublicPem { get; }

    public string Type { get; }

    public static TestKey P256() { var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256); return new TestKey(ec, null, null, ec.ExportSubjectPublicKeyInfoPem(), "P-256"); }

    public static TestKey P384() { var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384); return new TestKey(ec, null, null, ec.ExportSubjectPublicKeyInfoPem(), "P-384"); }

    public static TestKey Rsa2048() { var rsa = RSA.Create(2048); return new TestKey(null, rsa, null, rsa.ExportSubjectPublicKeyInfoPem(), "RSA-2048"); }

    public static TestKey Ed25519()
    {
        var ed = new Ed25519PrivateKeyParameters(new SecureRandom());
        byte[] spki = Convert.FromHexString("302a300506032b6570032100").Concat(ed.GeneratePublicKey().GetEncoded()).ToArray();
        return new TestKey(null, null, ed, PemEncoding.WriteString("PUBLIC KEY", spki), "Ed25519");
    }

    public static TestKey Of(string type) => type switch
    {
        "P-256" => P256(),
        "P-384" => P384(),
        "Ed25519" => Ed25519(),
        _ => Rsa2048(),
    };

    /// <summary>What Node's crypto.sign(undefined, data, key) gives: DER ECDSA / raw Ed25519 / RSA PKCS#1 v1.5, SHA-256.</summary>
    public byte[] Sign(byte[] data, HashAlgorithmName? hash = null)
    {
        if (_ed is not null)
        {
            var signer = new Ed25519Signer();
            signer.Init(true, _ed);
            signer.BlockUpdate(data, 0, data.Length);
            return signer.GenerateSignature();
        }

        return _ec is not null
            ? _ec.SignData(data, hash ?? HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : _rsa!.SignData(data, hash ?? HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}

/// <summary>A seeded service account: token, credential and the key that signs for it.</summary>
internal sealed record Account(string UserId, string Token, string CredentialUuid, string CredId, TestKey Key);

/// <summary>
/// An emulator started with --dfns --admin, seen as a Dfns organisation: admin seeding, raw API
/// calls, and each step of user action signing done by hand so tests can break any one of them.
/// </summary>
internal sealed class DfnsOrg : IAsyncDisposable
{
    private DfnsOrg(RunningEmulator emulator)
    {
        Emulator = emulator;
    }

    public RunningEmulator Emulator { get; }

    public HttpClient Http => Emulator.Client;

    public static async Task<DfnsOrg> StartAsync(Action<EmulatorOptions>? configure = null) =>
        new(await RunningEmulator.StartAsync(o =>
        {
            o.Dfns = true;
            o.Admin = true;
            configure?.Invoke(o);
        }));

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    public static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string B64Url(string text) => B64Url(Encoding.UTF8.GetBytes(text));

    public async Task<Account> SeedAsync(TestKey? key = null, string name = "sa1", string? credId = null)
    {
        key ??= TestKey.P256();
        using HttpResponseMessage response = await Http.PostAsJsonAsync("_emulator/dfns/service-accounts", new { name, publicKey = key.PublicPem, credId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonNode body = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return new Account((string)body["userId"]!, (string)body["token"]!, (string)body["credentialUuid"]!, (string)body["credId"]!, key);
    }

    /// <summary>GET /_emulator/dfns/state as text, for before/after equality.</summary>
    public async Task<string> StateAsync() => (await Http.GetFromJsonAsync<JsonNode>("_emulator/dfns/state"))!.ToJsonString();

    public async Task<JsonNode> StateNodeAsync() => (await Http.GetFromJsonAsync<JsonNode>("_emulator/dfns/state"))!;

    public async Task AdvanceClockAsync(TimeSpan by)
    {
        using HttpResponseMessage response = await Http.PostAsJsonAsync("_emulator/clock", new { advanceSeconds = by.TotalSeconds });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One API call with exactly <paramref name="body"/> as the request bytes.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? body, string? token, string? userAction = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (userAction is not null)
        {
            request.Headers.TryAddWithoutValidation("x-dfns-useraction", userAction);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>POST /auth/action/init for the request to sign; returns the whole challenge.</summary>
    public async Task<JsonNode> InitActionAsync(Account account, string method, string path, string payload)
    {
        string body = new JsonObject
        {
            ["userActionPayload"] = payload,
            ["userActionHttpMethod"] = method,
            ["userActionHttpPath"] = path,
            ["userActionServerKind"] = "Api",
        }.ToJsonString();
        (HttpStatusCode status, JsonNode? challenge) = await SendAsync(HttpMethod.Post, "/auth/action/init", body, account.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        return challenge!;
    }

    /// <summary>The Key assertion for a challenge, signed by <paramref name="key"/> as credential <paramref name="credId"/>.</summary>
    public static JsonObject Assertion(string credId, TestKey key, string challenge, string type = "key.get")
    {
        byte[] clientData = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge }.ToJsonString());
        return new JsonObject
        {
            ["kind"] = "Key",
            ["credentialAssertion"] = new JsonObject
            {
                ["credId"] = credId,
                ["clientData"] = B64Url(clientData),
                ["signature"] = B64Url(key.Sign(clientData)),
            },
        };
    }

    /// <summary>POST /auth/action with a first factor; the raw answer.</summary>
    public Task<(HttpStatusCode Status, JsonNode? Body)> SignActionAsync(Account account, string challengeIdentifier, JsonObject firstFactor) =>
        SendAsync(HttpMethod.Post, "/auth/action", new JsonObject { ["challengeIdentifier"] = challengeIdentifier, ["firstFactor"] = firstFactor }.ToJsonString(), account.Token);

    /// <summary>The whole flow done right: a user action token for method, path and payload, signed by the account's key (or another).</summary>
    public async Task<string> UserActionAsync(Account account, string method, string path, string payload, string? credId = null, TestKey? key = null)
    {
        JsonNode challenge = await InitActionAsync(account, method, path, payload);
        (HttpStatusCode status, JsonNode? body) = await SignActionAsync(account, (string)challenge["challengeIdentifier"]!, Assertion(credId ?? account.CredId, key ?? account.Key, (string)challenge["challenge"]!));
        Assert.True(status == HttpStatusCode.OK, $"POST /auth/action answered {(int)status}: {body?.ToJsonString()}");
        return (string)body!["userAction"]!;
    }

    /// <summary>A user-action-signed call: the signed payload is exactly the body sent.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SignedAsync(Account account, HttpMethod method, string path, string body, string? credId = null, TestKey? key = null)
    {
        string token = await UserActionAsync(account, method.Method, path, body, credId, key);
        return await SendAsync(method, path, body.Length == 0 ? null : body, account.Token, token);
    }

    /// <summary>POST /auth/credentials/init {kind: Key}: (challenge, challengeIdentifier).</summary>
    public async Task<(string Challenge, string Identifier)> CredentialChallengeAsync(Account account)
    {
        (HttpStatusCode status, JsonNode? body) = await SendAsync(HttpMethod.Post, "/auth/credentials/init", "{\"kind\":\"Key\"}", account.Token);
        Assert.True(status == HttpStatusCode.OK, $"init answered {(int)status}: {body?.ToJsonString()}");
        return ((string)body!["challenge"]!, (string)body["challengeIdentifier"]!);
    }

    /// <summary>The Create Credential body for a new key, attested as Dfns documents (signer may differ from the key, to break it).</summary>
    public static string CreateCredentialBody(TestKey newKey, string challenge, string identifier, string credId, string name = "new key", TestKey? attestedBy = null, string clientDataType = "key.create")
    {
        string clientData = "{\"challenge\":\"" + challenge + "\",\"type\":\"" + clientDataType + "\"}";
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(clientData))).ToLowerInvariant();
        string fingerprint = new JsonObject { ["clientDataHash"] = hash, ["publicKey"] = newKey.PublicPem }.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        string signature = Convert.ToHexString((attestedBy ?? newKey).Sign(Encoding.UTF8.GetBytes(fingerprint))).ToLowerInvariant();
        string attestation = new JsonObject { ["publicKey"] = newKey.PublicPem, ["signature"] = signature }.ToJsonString();
        return new JsonObject
        {
            ["credentialKind"] = "Key",
            ["credentialInfo"] = new JsonObject
            {
                ["credId"] = credId,
                ["clientData"] = B64Url(clientData),
                ["attestationData"] = B64Url(attestation),
            },
            ["credentialName"] = name,
            ["challengeIdentifier"] = identifier,
        }.ToJsonString();
    }

    /// <summary>Adds a Key credential for <paramref name="newKey"/>, user-action-signed by the account's key.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> AddCredentialAsync(Account account, TestKey newKey, string? credId = null)
    {
        (string challenge, string identifier) = await CredentialChallengeAsync(account);
        string body = CreateCredentialBody(newKey, challenge, identifier, credId ?? B64Url(RandomNumberGenerator.GetBytes(16)));
        return await SignedAsync(account, HttpMethod.Post, "/auth/credentials", body);
    }

    public static string Uuid(string credentialUuid) => new JsonObject { ["credentialUuid"] = credentialUuid }.ToJsonString();

    /// <summary>Asserts the Dfns error shape {"error":{"message":"…"}} with this status, and returns the message.</summary>
    public static string AssertError((HttpStatusCode Status, JsonNode? Body) response, HttpStatusCode expected)
    {
        Assert.True(response.Status == expected, $"expected {(int)expected}, got {(int)response.Status}: {response.Body?.ToJsonString()}");
        string? message = (string?)response.Body?["error"]?["message"];
        Assert.False(string.IsNullOrEmpty(message), "no error.message in " + response.Body?.ToJsonString());
        return message!;
    }
}
