using System.Text.Json;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>
/// /_emulator/dfns/ (with --admin and --dfns). Errors are the admin area's plain <c>{"error":"…"}</c>.
/// <list type="bullet">
/// <item>POST /service-accounts <c>{name, publicKey, credId?}</c> → 201 <c>{userId, token, credentialUuid, credId}</c>: a service account with one active Key credential.</item>
/// <item>GET/PUT /settings <c>{"serviceAccountsMayCreateCredentials": bool}</c>.</item>
/// <item>GET/PUT /refusals <c>{"credIds": [...]}</c>: user-action signatures by those credentials are refused as if the key were wrong.</item>
/// <item>GET /state: users, credentials and webhooks without tokens or secrets.</item>
/// <item>POST /webhooks/{id}/deliver <c>{kind, data}</c>: one signed event to the webhook's url (see <see cref="DfnsWebhooks"/>).</item>
/// </list>
/// </summary>
public static class DfnsAdmin
{
    public static void Map(WebApplication app)
    {
        RouteGroupBuilder admin = app.MapGroup("/_emulator/dfns");
        admin.MapPost("/service-accounts", SeedAsync);
        admin.MapGet("/settings", (DfnsContext ctx) => Settings(ctx));
        admin.MapPut("/settings", async (HttpContext http, DfnsContext ctx) =>
        {
            JsonElement? body = await ObjectAsync(http);
            if (body is not { } b || !b.TryGetProperty("serviceAccountsMayCreateCredentials", out JsonElement value)
                || value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Error(400, "Expected {\"serviceAccountsMayCreateCredentials\": true|false}. The settings are unchanged.");
            }

            ctx.Write(s => s.ServiceAccountsMayCreateCredentials = value.GetBoolean());
            return Settings(ctx);
        });
        admin.MapGet("/refusals", (DfnsContext ctx) => Results.Json(new { credIds = ctx.Read(s => s.RefusedCredIds.ToArray()) }));
        admin.MapPut("/refusals", async (HttpContext http, DfnsContext ctx) =>
        {
            JsonElement? body = await ObjectAsync(http);
            if (body is not { } b || !b.TryGetProperty("credIds", out JsonElement ids) || ids.ValueKind != JsonValueKind.Array
                || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(e.GetString())))
            {
                return Error(400, "Expected {\"credIds\": [\"...\"]} (an array of non-empty strings; [] clears). The refusals are unchanged.");
            }

            string[] list = ids.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
            ctx.Write(s => s.RefusedCredIds = list.ToList());
            return Results.Json(new { credIds = list });
        });
        admin.MapGet("/state", (DfnsContext ctx) => Results.Json(ctx.Read(s => new
        {
            serviceAccountsMayCreateCredentials = ctx.ServiceAccountsMayCreateCredentials(s),
            refusedCredIds = s.RefusedCredIds.ToArray(),
            serviceAccounts = s.Users.Select(u => new { userId = u.UserId, name = u.Name, orgId = u.OrgId, isServiceAccount = u.IsServiceAccount }).ToArray(),
            credentials = s.Credentials.Select(c => new
            {
                credentialUuid = c.CredentialUuid,
                credId = c.CredId,
                userId = c.UserId,
                kind = c.Kind,
                name = c.Name,
                isActive = c.IsActive,
                publicKey = c.PublicKey,
                dateCreated = DfnsCredentials.Date(c.DateCreated),
            }).ToArray(),
            webhooks = s.Webhooks.Select(DfnsWebhooks.Wire).ToArray(),
        })));
        admin.MapPost("/webhooks/{id}/deliver", DfnsWebhooks.AdminDeliverAsync);
    }

    private static async Task<IResult> SeedAsync(HttpContext http, DfnsContext ctx)
    {
        JsonElement? body = await ObjectAsync(http);
        if (body is not { } b)
        {
            return Error(400, "Expected a JSON object {\"name\": \"sa1\", \"publicKey\": \"<PEM>\", \"credId\": \"<optional>\"}.");
        }

        string? name = Str(b, "name");
        string? publicKey = Str(b, "publicKey");
        string? credId = Str(b, "credId");
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(publicKey) || (b.TryGetProperty("credId", out JsonElement c) && c.ValueKind != JsonValueKind.Null && string.IsNullOrEmpty(credId)))
        {
            return Error(400, "'name' and 'publicKey' are required non-empty strings; 'credId', when given, too.");
        }

        try
        {
            DfnsSignatures.Inspect(publicKey);
        }
        catch (ArgumentException ex)
        {
            return Error(400, "publicKey: " + ex.Message);
        }

        credId ??= DfnsContext.RandomBase64Url(32);
        DateTimeOffset now = ctx.Now;
        string host = http.Request.Host.Host;
        string origin = $"{http.Request.Scheme}://{http.Request.Host}";
        try
        {
            object result = ctx.Write(s =>
            {
                if (s.FindByCredId(credId) is not null)
                {
                    throw new InvalidOperationException($"A credential with credId '{credId}' already exists.");
                }

                string orgId = s.Users.FirstOrDefault()?.OrgId ?? DfnsContext.NewId("or");
                string userId = DfnsContext.NewId("us");
                string token = DfnsContext.OpaqueJwt(new Dictionary<string, object>
                {
                    ["iss"] = "auth.dfns.io",
                    ["aud"] = "dfns:auth:user",
                    ["sub"] = orgId,
                    ["jti"] = DfnsContext.NewId("to"),
                    ["iat"] = now.ToUnixTimeSeconds(),
                    ["https://custom/app_metadata"] = new { userId, orgId, tokenKind = "Service" },
                });
                var credential = new DfnsCredential
                {
                    CredentialUuid = DfnsContext.NewId("cr"),
                    CredId = credId,
                    UserId = userId,
                    Kind = DfnsWire.KindKey,
                    Name = name,
                    PublicKey = publicKey,
                    IsActive = true,
                    DateCreated = now,
                    RelyingPartyId = host,
                    Origin = origin,
                };
                s.Users.Add(new DfnsUser { UserId = userId, Name = name, OrgId = orgId, Token = token, IsServiceAccount = true, DateCreated = now });
                s.Credentials.Add(credential);
                return new { userId, token, credentialUuid = credential.CredentialUuid, credId };
            });
            return Results.Json(result, statusCode: 201);
        }
        catch (InvalidOperationException ex)
        {
            return Error(409, ex.Message);
        }
    }

    private static IResult Settings(DfnsContext ctx) =>
        Results.Json(new { serviceAccountsMayCreateCredentials = ctx.Read(ctx.ServiceAccountsMayCreateCredentials) });

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static async Task<JsonElement?> ObjectAsync(HttpContext http)
    {
        try
        {
            JsonElement e = JsonSerializer.Deserialize<JsonElement>(await DfnsRequests.ReadBodyAsync(http));
            return e.ValueKind == JsonValueKind.Object ? e : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
