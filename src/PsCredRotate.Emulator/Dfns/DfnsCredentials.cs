using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>
/// Credential management: POST /auth/credentials/init, POST /auth/credentials (UA), GET
/// /auth/credentials, PUT /auth/credentials/deactivate and /activate (UA). Key credentials only.
/// A new Key credential proves possession of its key by the attestation Dfns documents ("api
/// objects"): the key signs the compact JSON <c>{"clientDataHash":"&lt;hex sha256(clientData)&gt;","publicKey":"&lt;PEM&gt;"}</c>.
/// </summary>
public static class DfnsCredentials
{
    private static readonly string[] KnownKinds = { "Fido2", "Key", "PasswordProtectedKey", "RecoveryKey", "Password", "Totp" };

    public static void Map(RouteGroupBuilder dfns)
    {
        dfns.MapPost("/auth/credentials/init", InitAsync);
        dfns.MapPost("/auth/credentials", CreateAsync);
        dfns.MapGet("/auth/credentials", (HttpContext http, DfnsContext ctx) =>
        {
            DfnsUser user = ctx.Authenticate(http);
            object[] items = ctx.Read(s => s.Credentials.Where(c => c.UserId == user.UserId).Select(Wire).ToArray());
            return Results.Json(new { items });
        });
        dfns.MapPut("/auth/credentials/deactivate", (HttpContext http, DfnsContext ctx) => SetActiveAsync(http, ctx, false));
        dfns.MapPut("/auth/credentials/activate", (HttpContext http, DfnsContext ctx) => SetActiveAsync(http, ctx, true));
    }

    /// <summary>The credential as Dfns returns it.</summary>
    public static object Wire(DfnsCredential c) => new
    {
        kind = c.Kind,
        credentialId = c.CredId,
        credentialUuid = c.CredentialUuid,
        dateCreated = Date(c.DateCreated),
        isActive = c.IsActive,
        name = c.Name,
        publicKey = c.PublicKey,
        relyingPartyId = c.RelyingPartyId,
        origin = c.Origin,
    };

    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void RefuseServiceAccountIfSwitchedOff(DfnsContext ctx, DfnsUser user)
    {
        if (user.IsServiceAccount && !ctx.Read(ctx.ServiceAccountsMayCreateCredentials))
        {
            throw DfnsApiException.Forbidden("Service accounts are not allowed to create credentials.");
        }
    }

    private static async Task<IResult> InitAsync(HttpContext http, DfnsContext ctx)
    {
        DfnsUser user = ctx.Authenticate(http);
        RefuseServiceAccountIfSwitchedOff(ctx, user);
        JsonElement body = DfnsRequests.Object(await DfnsRequests.ReadBodyAsync(http));
        string kind = DfnsRequests.RequiredString(body, "kind");
        CheckKind(kind, "body.kind");

        DateTimeOffset now = ctx.Now;
        string identifier = DfnsContext.OpaqueJwt(new { sub = user.UserId, iat = now.ToUnixTimeSeconds(), exp = (now + DfnsWire.ChallengeLifetime).ToUnixTimeSeconds(), kind = "CredentialChallenge" });
        string challenge = DfnsContext.Base64Url(Encoding.UTF8.GetBytes(DfnsContext.NewId("ch")));
        ctx.Sessions.Add(identifier, new CredentialChallenge(identifier, challenge, user.UserId, kind, now + DfnsWire.ChallengeLifetime), now);
        string host = http.Request.Host.Host;
        return Results.Json(new
        {
            kind,
            user = new { id = user.UserId, name = user.Name, displayName = user.Name },
            challengeIdentifier = identifier,
            challenge,
            rp = new { id = host, name = "Dfns emulator" },
            attestation = "direct",
            pubKeyCredParams = new[] { -7, -8, -257 }.Select(alg => new { type = "public-key", alg }).ToArray(),
            temporaryAuthenticationToken = identifier,
        });
    }

    private static void CheckKind(string kind, string where)
    {
        if (!KnownKinds.Contains(kind, StringComparer.Ordinal))
        {
            throw DfnsApiException.BadRequest($"{where} must be one of {string.Join(", ", KnownKinds)}.");
        }

        if (kind != DfnsWire.KindKey)
        {
            throw DfnsApiException.BadRequest($"Credential kind '{kind}' is not supported by the emulator: only Key.");
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext http, DfnsContext ctx)
    {
        (DfnsUser user, byte[] raw) = await DfnsUserActions.AuthorizeAsync(http, ctx);
        RefuseServiceAccountIfSwitchedOff(ctx, user);
        JsonElement body = DfnsRequests.Object(raw);
        string kind = DfnsRequests.RequiredString(body, "credentialKind");
        CheckKind(kind, "body.credentialKind");
        JsonElement info = DfnsRequests.RequiredObject(body, "credentialInfo");
        string credId = DfnsRequests.RequiredString(info, "credId", "credentialInfo");
        string clientData = DfnsRequests.RequiredString(info, "clientData", "credentialInfo");
        string attestationData = DfnsRequests.RequiredString(info, "attestationData", "credentialInfo");
        string name = DfnsRequests.RequiredString(body, "credentialName");
        string identifier = DfnsRequests.RequiredString(body, "challengeIdentifier");

        CredentialChallenge? pending = ctx.Sessions.Take<CredentialChallenge>(identifier);
        DateTimeOffset now = ctx.Now;
        if (pending is null || pending.UserId != user.UserId || pending.Kind != kind)
        {
            throw DfnsApiException.Unauthorized("The credential challenge is unknown, was already used, or belongs to another user or kind.");
        }

        if (pending.Expires < now)
        {
            throw DfnsApiException.Unauthorized("The credential challenge has expired.");
        }

        byte[] clientDataBytes = DfnsContext.FromBase64Url(clientData)
            ?? throw DfnsApiException.BadRequest("credentialInfo.clientData must be base64url.");
        DfnsUserActions.CheckClientData(clientDataBytes, DfnsWire.ClientDataKeyCreate, pending.Challenge);
        string publicKey = VerifyAttestation(attestationData, clientDataBytes);
        string origin = ClientDataOrigin(clientDataBytes) ?? $"{http.Request.Scheme}://{http.Request.Host}";

        DfnsCredential created = ctx.Write(s =>
        {
            if (s.FindByCredId(credId) is not null)
            {
                throw DfnsApiException.Conflict($"A credential with credId '{credId}' already exists.");
            }

            var credential = new DfnsCredential
            {
                CredentialUuid = DfnsContext.NewId("cr"),
                CredId = credId,
                UserId = user.UserId,
                Kind = kind,
                Name = name,
                PublicKey = publicKey,
                IsActive = true,
                DateCreated = now,
                RelyingPartyId = http.Request.Host.Host,
                Origin = origin,
            };
            s.Credentials.Add(credential);
            return credential;
        });
        return Results.Json(Wire(created));
    }

    /// <summary>Checks the attestation and returns the new public key (PEM).</summary>
    private static string VerifyAttestation(string attestationData, byte[] clientData)
    {
        byte[] decoded = DfnsContext.FromBase64Url(attestationData)
            ?? throw DfnsApiException.BadRequest("credentialInfo.attestationData must be base64url.");
        JsonElement attestation;
        try
        {
            attestation = JsonSerializer.Deserialize<JsonElement>(decoded);
        }
        catch (JsonException)
        {
            throw DfnsApiException.BadRequest("credentialInfo.attestationData is not base64url-encoded JSON.");
        }

        if (attestation.ValueKind != JsonValueKind.Object)
        {
            throw DfnsApiException.BadRequest("attestationData must be a JSON object {publicKey, signature, algorithm?}.");
        }

        string publicKey = DfnsRequests.RequiredString(attestation, "publicKey", "attestationData");
        string signatureHex = DfnsRequests.RequiredString(attestation, "signature", "attestationData");
        string? algorithm = DfnsRequests.OptionalString(attestation, "algorithm", "attestationData");
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(signatureHex);
        }
        catch (FormatException)
        {
            throw DfnsApiException.BadRequest("attestationData.signature must be hex.");
        }

        string fingerprint = "{\"clientDataHash\":" + JsString(Convert.ToHexString(SHA256.HashData(clientData)).ToLowerInvariant())
            + ",\"publicKey\":" + JsString(publicKey) + "}";
        bool valid;
        try
        {
            DfnsSignatures.Inspect(publicKey);
            valid = DfnsSignatures.Verify(publicKey, Encoding.UTF8.GetBytes(fingerprint), signature, algorithm);
        }
        catch (ArgumentException ex)
        {
            throw DfnsApiException.BadRequest("attestationData.publicKey: " + ex.Message);
        }

        if (!valid)
        {
            throw DfnsApiException.Unauthorized("Unable to verify signature: the attestation is not signed by the new credential's key.");
        }

        return publicKey;
    }

    private static string? ClientDataOrigin(byte[] clientData)
    {
        JsonElement parsed = JsonSerializer.Deserialize<JsonElement>(clientData);
        return parsed.TryGetProperty("origin", out JsonElement origin) && origin.ValueKind == JsonValueKind.String ? origin.GetString() : null;
    }

    /// <summary>A JSON string literal as JavaScript's JSON.stringify writes it (the fingerprint is signed as text).</summary>
    internal static string JsString(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static async Task<IResult> SetActiveAsync(HttpContext http, DfnsContext ctx, bool active)
    {
        (DfnsUser user, byte[] raw) = await DfnsUserActions.AuthorizeAsync(http, ctx);
        string uuid = DfnsRequests.RequiredString(DfnsRequests.Object(raw), "credentialUuid");
        ctx.Write(s =>
        {
            DfnsCredential credential = s.FindByUuid(uuid) is { } c && c.UserId == user.UserId
                ? c
                : throw DfnsApiException.NotFound($"Credential '{uuid}' not found.");
            credential.IsActive = active;
            return 0;
        });
        return Results.Json(new { message = "success" });
    }
}
