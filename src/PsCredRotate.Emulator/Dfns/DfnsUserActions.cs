using System.Text;
using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>
/// User Action Signing: POST /auth/action/init (a challenge bound to method, path and payload),
/// POST /auth/action (the signed challenge gives a single-use token), and the check every
/// state-changing route makes of <c>x-dfns-useraction</c> against the request it arrives with.
/// </summary>
public static class DfnsUserActions
{
    private static readonly string[] Methods = { "POST", "PUT", "DELETE", "GET" };

    public static void Map(RouteGroupBuilder dfns)
    {
        dfns.MapPost("/auth/action/init", InitAsync);
        dfns.MapPost("/auth/action", SignAsync);
    }

    private static async Task<IResult> InitAsync(HttpContext http, DfnsContext dfns)
    {
        DfnsUser user = dfns.Authenticate(http);
        JsonElement body = DfnsRequests.Object(await DfnsRequests.ReadBodyAsync(http));
        if (!body.TryGetProperty("userActionPayload", out JsonElement payload) || payload.ValueKind != JsonValueKind.String)
        {
            throw DfnsApiException.BadRequest("body.userActionPayload is required and must be a string (the exact JSON body of the request to sign).");
        }

        string method = DfnsRequests.RequiredString(body, "userActionHttpMethod");
        if (!Methods.Contains(method, StringComparer.Ordinal))
        {
            throw DfnsApiException.BadRequest("body.userActionHttpMethod must be one of POST, PUT, DELETE, GET.");
        }

        string path = DfnsRequests.RequiredString(body, "userActionHttpPath");
        if (!path.StartsWith('/'))
        {
            throw DfnsApiException.BadRequest("body.userActionHttpPath must be an absolute path such as /auth/credentials.");
        }

        string? serverKind = DfnsRequests.OptionalString(body, "userActionServerKind");
        if (serverKind is not null and not "Api" and not "Staff")
        {
            throw DfnsApiException.BadRequest("body.userActionServerKind must be Api or Staff.");
        }

        DateTimeOffset now = dfns.Now;
        string identifier = DfnsContext.OpaqueJwt(new { sub = user.UserId, iat = now.ToUnixTimeSeconds(), exp = (now + DfnsWire.ChallengeLifetime).ToUnixTimeSeconds(), kind = "UserAction" });
        string challenge = DfnsContext.Base64Url(Encoding.UTF8.GetBytes(DfnsContext.NewId("ch")));
        dfns.Sessions.Add(identifier, new UserActionChallenge(identifier, challenge, user.UserId, method, path, payload.GetString()!, now + DfnsWire.ChallengeLifetime), now);

        string[] keys = dfns.Read(s => s.Credentials
            .Where(c => c.UserId == user.UserId && c.IsActive && c.Kind == DfnsWire.KindKey)
            .Select(c => c.CredId)
            .ToArray());
        return Results.Json(new
        {
            challenge,
            challengeIdentifier = identifier,
            supportedCredentialKinds = new[] { new { kind = DfnsWire.KindKey, factor = "first", requiresSecondFactor = false } },
            userVerification = "required",
            attestation = "direct",
            allowCredentials = new
            {
                key = keys.Select(id => new { type = "public-key", id }).ToArray(),
                webauthn = Array.Empty<object>(),
            },
            externalAuthenticationUrl = "",
        });
    }

    private static async Task<IResult> SignAsync(HttpContext http, DfnsContext dfns)
    {
        DfnsUser user = dfns.Authenticate(http);
        JsonElement body = DfnsRequests.Object(await DfnsRequests.ReadBodyAsync(http));
        string identifier = DfnsRequests.RequiredString(body, "challengeIdentifier");
        JsonElement factor = DfnsRequests.RequiredObject(body, "firstFactor");
        string kind = DfnsRequests.RequiredString(factor, "kind", "body.firstFactor");
        if (kind != DfnsWire.KindKey)
        {
            throw DfnsApiException.BadRequest($"firstFactor.kind '{kind}' is not supported by the emulator: only Key credentials.");
        }

        JsonElement assertion = DfnsRequests.RequiredObject(factor, "credentialAssertion", "body.firstFactor");
        string credId = DfnsRequests.RequiredString(assertion, "credId", "credentialAssertion");
        string clientData = DfnsRequests.RequiredString(assertion, "clientData", "credentialAssertion");
        string signature = DfnsRequests.RequiredString(assertion, "signature", "credentialAssertion");
        string? algorithm = DfnsRequests.OptionalString(assertion, "algorithm", "credentialAssertion");

        // Single use: the challenge is spent by this attempt, whatever its outcome.
        UserActionChallenge? pending = dfns.Sessions.Take<UserActionChallenge>(identifier);
        DateTimeOffset now = dfns.Now;
        if (pending is null || pending.UserId != user.UserId)
        {
            throw DfnsApiException.Unauthorized("The challenge is unknown, was already used, or belongs to another user.");
        }

        if (pending.Expires < now)
        {
            throw DfnsApiException.Unauthorized("The challenge has expired.");
        }

        VerifyAssertion(dfns, user, credId, clientData, signature, algorithm, DfnsWire.ClientDataKeyGet, pending.Challenge);

        string token = DfnsContext.OpaqueJwt(new { sub = user.UserId, iat = now.ToUnixTimeSeconds(), exp = (now + DfnsWire.UserActionLifetime).ToUnixTimeSeconds(), kind = "UserAction" });
        dfns.Sessions.Add(token, new UserActionGrant(token, user.UserId, pending.Method, pending.Path, pending.Payload, now + DfnsWire.UserActionLifetime), now);
        return Results.Json(new { userAction = token });
    }

    /// <summary>Checks a Key credential assertion: the caller's active credential, clientData type and challenge, and the signature.</summary>
    internal static void VerifyAssertion(DfnsContext dfns, DfnsUser user, string credId, string clientData, string signature, string? algorithm, string expectedType, string expectedChallenge)
    {
        (DfnsCredential? credential, bool refused) = dfns.Read(s => (s.FindByCredId(credId), s.RefusedCredIds.Contains(credId, StringComparer.Ordinal)));
        if (credential is null || credential.UserId != user.UserId || credential.Kind != DfnsWire.KindKey)
        {
            throw DfnsApiException.Unauthorized($"Credential '{credId}' is not a Key credential of this user.");
        }

        if (!credential.IsActive)
        {
            throw DfnsApiException.Unauthorized($"Credential '{credId}' is deactivated and cannot sign.");
        }

        byte[] clientDataBytes = DfnsContext.FromBase64Url(clientData)
            ?? throw DfnsApiException.BadRequest("credentialAssertion.clientData must be base64url.");
        CheckClientData(clientDataBytes, expectedType, expectedChallenge);

        byte[] signatureBytes = DfnsContext.FromBase64Url(signature)
            ?? throw DfnsApiException.BadRequest("credentialAssertion.signature must be base64url.");
        bool valid;
        try
        {
            valid = DfnsSignatures.Verify(credential.PublicKey, clientDataBytes, signatureBytes, algorithm);
        }
        catch (ArgumentException ex)
        {
            throw DfnsApiException.BadRequest(ex.Message);
        }

        if (!valid || refused)
        {
            throw DfnsApiException.Unauthorized("Unable to verify signature.");
        }
    }

    /// <summary>clientData must be JSON with the expected type and challenge (other members, e.g. origin, are allowed).</summary>
    internal static void CheckClientData(byte[] clientData, string expectedType, string expectedChallenge)
    {
        JsonElement parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<JsonElement>(clientData);
        }
        catch (JsonException)
        {
            throw DfnsApiException.BadRequest("clientData is not base64url-encoded JSON.");
        }

        if (parsed.ValueKind != JsonValueKind.Object
            || !parsed.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String
            || !parsed.TryGetProperty("challenge", out JsonElement challenge) || challenge.ValueKind != JsonValueKind.String)
        {
            throw DfnsApiException.BadRequest("clientData must be a JSON object with string members type and challenge.");
        }

        if (type.GetString() != expectedType)
        {
            throw DfnsApiException.Unauthorized($"clientData.type must be '{expectedType}'.");
        }

        if (challenge.GetString() != expectedChallenge)
        {
            throw DfnsApiException.Unauthorized("clientData.challenge does not match the challenge issued.");
        }
    }

    /// <summary>
    /// For a state-changing route: the caller (bearer), then x-dfns-useraction must be an unused,
    /// unexpired token of the same user, issued for this method and path, whose signed payload is
    /// byte-identical to the body. The token is spent by this request whatever the outcome.
    /// Returns the caller and the raw body.
    /// </summary>
    public static async Task<(DfnsUser User, byte[] Body)> AuthorizeAsync(HttpContext http, DfnsContext dfns)
    {
        DfnsUser user = dfns.Authenticate(http);
        byte[] body = await DfnsRequests.ReadBodyAsync(http);
        string? token = http.Request.Headers[DfnsWire.UserActionHeader];
        if (string.IsNullOrEmpty(token))
        {
            throw DfnsApiException.Unauthorized("This call requires a user action signature (x-dfns-useraction header).");
        }

        UserActionGrant? grant = dfns.Sessions.Take<UserActionGrant>(token);
        if (grant is null || grant.UserId != user.UserId)
        {
            throw DfnsApiException.Unauthorized("The user action signature is unknown, was already used, or belongs to another user.");
        }

        if (grant.Expires < dfns.Now)
        {
            throw DfnsApiException.Unauthorized("The user action signature has expired.");
        }

        if (!string.Equals(grant.Method, http.Request.Method, StringComparison.Ordinal)
            || !string.Equals(grant.Path, http.Request.Path.Value, StringComparison.Ordinal))
        {
            throw DfnsApiException.Unauthorized($"The user action signature was made for {grant.Method} {grant.Path}, not for this request.");
        }

        if (!Encoding.UTF8.GetBytes(grant.Payload).AsSpan().SequenceEqual(body))
        {
            throw DfnsApiException.Unauthorized("The request body differs from the signed user action payload.");
        }

        return (user, body);
    }
}
