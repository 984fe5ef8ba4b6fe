using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Http;

namespace PsCredRotate.Core.Tests.Dfns;

/// <summary>
/// A scripted Dfns for unit tests, behind a <see cref="FakeHandler"/>: one user, its credentials,
/// and user action signing checked the way Dfns documents it, with verification code of its own
/// (platform ECDSA with DER input, platform RSA, BouncyCastle Ed25519), so it does not trust the
/// code under test. Every request is recorded.
/// </summary>
internal sealed class FakeDfns
{
    public const string Token = "sa-token-0123456789";

    private readonly Dictionary<string, (string Method, string Path, string Payload, string Challenge)> _challenges = new();
    private readonly Dictionary<string, (string Method, string Path, string Payload)> _userActions = new();
    private int _next;

    public FakeDfns()
    {
        Handler = new FakeHandler((request, _) => Answer(request));
    }

    public FakeHandler Handler { get; }

    public List<Credential> Credentials { get; } = new();

    /// <summary>HTTP status for POST /auth/credentials/init and POST /auth/credentials (the service-account conflict); null: allowed.</summary>
    public int? RefuseCreation { get; set; }

    /// <summary>credIds whose user-action signatures are refused as if the key were wrong.</summary>
    public HashSet<string> RefusedCredIds { get; } = new();

    /// <summary>Answer the next real (user-action) request with 202 (policy approval).</summary>
    public bool PolicyPending { get; set; }

    /// <summary>The raw user-action tokens handed out (for redaction checks).</summary>
    public List<string> IssuedUserActions { get; } = new();

    /// <summary>Bodies of the state-changing requests that were accepted.</summary>
    public List<(string Method, string Path, string Body)> Applied { get; } = new();

    public Credential Seed(RotationKey key, string? credId = null, bool active = true)
    {
        var credential = new Credential("cr-" + (++_next).ToString("D4"), credId ?? key.Kid, key.PublicKeyPem, active, "seed");
        Credentials.Add(credential);
        return credential;
    }

    public DfnsConnection Connect(RotationKey key, string credId, string? token = null) =>
        DfnsConnection.Create(new DfnsConnectionOptions
        {
            BaseUri = "https://dfns.test",
            Token = SecureStrings.FromString(token ?? Token),
            CredentialId = credId,
            Key = key,
            MaxRetries = 0,
            Handler = Handler,
        });

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        if (request.Headers.Authorization?.ToString() != "Bearer " + Token)
        {
            return Error(401, "Unauthorized");
        }

        string path = request.RequestUri!.AbsolutePath;
        string method = request.Method.Method;
        string body = request.Content is null ? string.Empty : request.Content.ReadAsStringAsync().Result;
        switch (method, path)
        {
            case ("GET", "/auth/credentials"):
                return Ok(new JsonObject { ["items"] = new JsonArray(Credentials.Select(c => (JsonNode)c.ToJson()).ToArray()) });
            case ("POST", "/auth/action/init"):
                return Init(body);
            case ("POST", "/auth/action"):
                return Sign(body);
            case ("POST", "/auth/credentials/init"):
                if (RefuseCreation is int refuse)
                {
                    return Error(refuse, "Service accounts cannot create credentials");
                }

                string id = "ch-" + (++_next);
                _challenges[id] = ("create", string.Empty, string.Empty, string.Empty);
                return Ok(new JsonObject { ["kind"] = "Key", ["challenge"] = "create-challenge-" + id, ["challengeIdentifier"] = id });
        }

        if (!(method, path).Equals(("POST", "/auth/credentials")) && !(method, path).Equals(("PUT", "/auth/credentials/deactivate")) && !(method, path).Equals(("PUT", "/auth/credentials/activate")))
        {
            return Error(404, "no route");
        }

        if (!Consume(request, method, path, body, out HttpResponseMessage? refused))
        {
            return refused!;
        }

        if (PolicyPending)
        {
            return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("{\"policy\":\"p\"}", Encoding.UTF8, "application/json") };
        }

        JsonNode input = JsonNode.Parse(body)!;
        switch (method, path)
        {
            case ("POST", "/auth/credentials"):
                return Create(input, body);
            case ("PUT", "/auth/credentials/deactivate"):
            case ("PUT", "/auth/credentials/activate"):
                Credential? target = Credentials.FirstOrDefault(c => c.Uuid == (string?)input["credentialUuid"]);
                if (target is null)
                {
                    return Error(404, "Credential not found");
                }

                target.IsActive = path.EndsWith("/activate", StringComparison.Ordinal);
                Applied.Add((method, path, body));
                return Ok(new JsonObject { ["message"] = "success" });
            default:
                throw new InvalidOperationException("unreachable");
        }
    }

    private HttpResponseMessage Init(string body)
    {
        JsonNode input = JsonNode.Parse(body)!;
        string id = "ch-" + (++_next);
        string challenge = "challenge-" + id;
        _challenges[id] = ((string)input["userActionHttpMethod"]!, (string)input["userActionHttpPath"]!, (string)input["userActionPayload"]!, challenge);
        return Ok(new JsonObject
        {
            ["challenge"] = challenge,
            ["challengeIdentifier"] = id,
            ["allowCredentials"] = new JsonObject
            {
                ["key"] = new JsonArray(Credentials.Where(c => c.IsActive).Select(c => (JsonNode)new JsonObject { ["type"] = "public-key", ["id"] = c.CredId }).ToArray()),
                ["webauthn"] = new JsonArray(),
            },
        });
    }

    private HttpResponseMessage Sign(string body)
    {
        JsonNode input = JsonNode.Parse(body)!;
        if (!_challenges.Remove((string)input["challengeIdentifier"]!, out var challenge))
        {
            return Error(400, "unknown challenge");
        }

        JsonNode assertion = input["firstFactor"]!["credentialAssertion"]!;
        Credential? credential = Credentials.FirstOrDefault(c => c.CredId == (string?)assertion["credId"] && c.IsActive);
        byte[] clientData = Base64UrlDecode((string)assertion["clientData"]!);
        byte[] signature = Base64UrlDecode((string)assertion["signature"]!);
        string expected = "{\"type\":\"key.get\",\"challenge\":\"" + challenge.Challenge + "\"}";
        if (credential is null || RefusedCredIds.Contains(credential.CredId) || Encoding.UTF8.GetString(clientData) != expected || !Verify(credential.PublicKeyPem, clientData, signature))
        {
            return Error(401, "Invalid signature");
        }

        string token = "ua-" + Guid.NewGuid().ToString("N");
        IssuedUserActions.Add(token);
        _userActions[token] = (challenge.Method, challenge.Path, challenge.Payload);
        return Ok(new JsonObject { ["userAction"] = token });
    }

    private bool Consume(HttpRequestMessage request, string method, string path, string body, out HttpResponseMessage? refused)
    {
        refused = null;
        if (!request.Headers.TryGetValues("x-dfns-useraction", out IEnumerable<string>? values))
        {
            refused = Error(401, "User action signature required");
            return false;
        }

        string token = values.Single();
        if (!_userActions.Remove(token, out var bound) || bound.Method != method || bound.Path != path || bound.Payload != body)
        {
            refused = Error(403, "User action does not match the request");
            return false;
        }

        return true;
    }

    private HttpResponseMessage Create(JsonNode input, string body)
    {
        if (RefuseCreation is int refuse)
        {
            return Error(refuse, "Service accounts cannot create credentials");
        }

        string challengeId = (string)input["challengeIdentifier"]!;
        if (!_challenges.Remove(challengeId, out _))
        {
            return Error(400, "unknown challenge");
        }

        JsonNode info = input["credentialInfo"]!;
        string clientData = Encoding.UTF8.GetString(Base64UrlDecode((string)info["clientData"]!));
        if (clientData != "{\"challenge\":\"create-challenge-" + challengeId + "\",\"type\":\"key.create\"}")
        {
            return Error(400, "bad clientData");
        }

        JsonNode attestation = JsonNode.Parse(Base64UrlDecode((string)info["attestationData"]!))!;
        string pem = (string)attestation["publicKey"]!;
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(clientData))).ToLowerInvariant();
        string signed = JsonSerializer.Serialize(new { clientDataHash = hash, publicKey = pem }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        if (!Verify(pem, Encoding.UTF8.GetBytes(signed), Convert.FromHexString((string)attestation["signature"]!)))
        {
            return Error(400, "bad attestation");
        }

        string credId = (string)info["credId"]!;
        if (Credentials.Any(c => c.CredId == credId))
        {
            return Error(409, "credential exists");
        }

        var credential = new Credential("cr-" + (++_next).ToString("D4"), credId, pem, true, (string)input["credentialName"]!);
        Credentials.Add(credential);
        Applied.Add(("POST", "/auth/credentials", body));
        return Ok(credential.ToJson());
    }

    internal static bool Verify(string pem, byte[] data, byte[] signature)
    {
        string b64 = string.Concat(pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        byte[] spki = Convert.FromBase64String(b64);
        var parameters = PublicKeyFactory.CreateKey(spki);
        switch (parameters)
        {
            case Ed25519PublicKeyParameters ed:
                var signer = new Ed25519Signer();
                signer.Init(false, ed);
                signer.BlockUpdate(data, 0, data.Length);
                return signature.Length == 64 && signer.VerifySignature(signature);
            case ECPublicKeyParameters:
                using (ECDsa ecdsa = ECDsa.Create())
                {
                    ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                    return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }

            default:
                using (RSA rsa = RSA.Create())
                {
                    rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
        }
    }

    internal static byte[] Base64UrlDecode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));

    private static HttpResponseMessage Ok(JsonNode body) => FakeHandler.Json(HttpStatusCode.OK, body.ToJsonString());

    private static HttpResponseMessage Error(int status, string message) =>
        FakeHandler.Json((HttpStatusCode)status, new JsonObject { ["error"] = new JsonObject { ["message"] = message } }.ToJsonString());

    internal sealed class Credential
    {
        public Credential(string uuid, string credId, string publicKeyPem, bool isActive, string name)
        {
            Uuid = uuid;
            CredId = credId;
            PublicKeyPem = publicKeyPem;
            IsActive = isActive;
            Name = name;
        }

        public string Uuid { get; }

        public string CredId { get; }

        public string PublicKeyPem { get; }

        public bool IsActive { get; set; }

        public string Name { get; }

        public string Kind { get; set; } = "Key";

        public JsonObject ToJson() => new()
        {
            ["kind"] = Kind,
            ["credentialId"] = CredId,
            ["credentialUuid"] = Uuid,
            ["dateCreated"] = "2026-11-29T10:00:00.000Z",
            ["isActive"] = IsActive,
            ["name"] = Name,
            ["publicKey"] = PublicKeyPem,
            ["relyingPartyId"] = "dfns.test",
            ["origin"] = "https://app.dfns.test",
        };
    }
}
