using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// Random bodies to every write endpoint (seeded, so a failure replays): JSON of wrong types with the
/// endpoint's own field names, deep nesting, long strings under 1 MB, invalid UTF-8, non-JSON,
/// wrong content types. Never a 5xx, never a stack trace or an exception type name, and every
/// error in Auth0's shape: {statusCode, error, message[, errorCode]} on the Management API,
/// {error, error_description} on /oauth/token.
/// </summary>
public sealed class FuzzTests : IClassFixture<SharedEmulator>
{
    private readonly SharedEmulator _shared;

    public FuzzTests(SharedEmulator shared) => _shared = shared;

    private static readonly string[] FieldNames =
    {
        "name", "description", "pem", "credential_type", "alg", "kid", "expires_at", "parse_expiry_from_cert", "subject_dn",
        "client_authentication_methods", "private_key_jwt", "credentials", "id", "token_endpoint_auth_method", "signed_request_object",
        "jwt_configuration", "grant_types", "app_type", "client_secret", "signing_alg", "grant_type", "client_id", "audience",
        "client_assertion", "client_assertion_type", "scope", "callbacks", "is_first_party", "refresh_token", "__proto__", "",
    };

    private static readonly string[] Leaks = { "Exception", "   at ", "System.", "Microsoft.", "StackTrace", "PsCredRotate." };

    public static IEnumerable<object[]> Endpoints() => new[]
    {
        new object[] { "PATCH client", 2000 },
        new object[] { "POST credentials", 2000 },
        new object[] { "PATCH credential", 2000 },
        new object[] { "POST rotate-secret", 2000 },
        // The rotate takes no body (as on Auth0) and ignores one: every request is accepted and makes a
        // new RSA key with its certificate (~0.4 s here), so a dozen keep the test inside its budget.
        new object[] { "POST signing rotate", 12 },
        new object[] { "PUT signing revoke", 2000 },
        new object[] { "POST connection keys rotate", 2000 },
        new object[] { "POST connection keys", 2000 },
        new object[] { "POST oauth token", 2000 },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task RandomBodiesNeverGetAServerErrorAStackTraceOrANonAuth0ErrorBody(string endpoint, int count)
    {
        RunningEmulator emulator = await _shared.GetAsync();
        string token = await ConformanceClient.ManagementTokenAsync(emulator.Client);
        using HttpClient http = ConformanceClient.ManagementHttp(emulator.BaseAddress, token);
        (string clientId, string credentialId, string oidc) = await ConformanceClient.ArrangeWriteTargetsAsync(http, "fuzz");
        JsonNode keys = await ConformanceClient.SendOkAsync(http, HttpMethod.Get, "/api/v2/keys/signing");
        string nextKid = keys.AsArray().First(k => k?["next"]?.GetValue<bool>() == true)!["kid"]!.GetValue<string>();

        (HttpMethod method, string path) = endpoint switch
        {
            "PATCH client" => (HttpMethod.Patch, $"api/v2/clients/{clientId}"),
            "POST credentials" => (HttpMethod.Post, $"api/v2/clients/{clientId}/credentials"),
            "PATCH credential" => (HttpMethod.Patch, $"api/v2/clients/{clientId}/credentials/{credentialId}"),
            "POST rotate-secret" => (HttpMethod.Post, $"api/v2/clients/{clientId}/rotate-secret"),
            "POST signing rotate" => (HttpMethod.Post, "api/v2/keys/signing/rotate"),
            "PUT signing revoke" => (HttpMethod.Put, $"api/v2/keys/signing/{nextKid}/revoke"),
            "POST connection keys rotate" => (HttpMethod.Post, $"api/v2/connections/{oidc}/keys/rotate"),
            "POST connection keys" => (HttpMethod.Post, $"api/v2/connections/{oidc}/keys"),
            "POST oauth token" => (HttpMethod.Post, "oauth/token"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
        bool oauth = path.StartsWith("oauth/", StringComparison.Ordinal);

        var random = new Random(20261122 + endpoint.Length);
        var bodies = Enumerable.Range(0, count).Select(_ => NextBody(random)).ToList();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        int next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                (byte[] bytes, string contentType, string kind) = bodies[i];
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                using HttpResponseMessage response = await http.SendAsync(request);
                string text = await response.Content.ReadAsStringAsync();
                int status = (int)response.StatusCode;
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }

                string? problem = Check(status, text, oauth);
                if (problem is not null)
                {
                    lock (failures)
                    {
                        failures.Add($"body #{i} ({kind}, {contentType}, {bytes.Length} bytes): {status} {problem}: {(text.Length > 200 ? text[..200] : text)}");
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)));
        string summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));
        Assert.True(failures.Count == 0, $"{endpoint}: {failures.Count} of {count} bodies misanswered ({summary}):\n" + string.Join("\n", failures.Take(8)));
        // Endpoints that read a body refuse most random ones; the bodiless rotations ignore theirs.
        if (endpoint is not ("POST signing rotate" or "POST rotate-secret"))
        {
            Assert.True(statuses.Keys.Any(s => s >= 400), $"{endpoint}: no body was refused ({summary})");
        }
    }

    private static string? Check(int status, string text, bool oauth)
    {
        if (status >= 500)
        {
            return "server error";
        }

        if (Leaks.FirstOrDefault(l => text.Contains(l, StringComparison.Ordinal)) is string leak)
        {
            return $"the body contains '{leak}'";
        }

        if (status < 400)
        {
            return null;
        }

        JsonElement e;
        try
        {
            e = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return "the error body is not JSON";
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return "the error body is not an object";
        }

        if (oauth)
        {
            return e.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String
                && e.TryGetProperty("error_description", out JsonElement description) && description.ValueKind == JsonValueKind.String
                ? null
                : "not an OAuth error body {error, error_description}";
        }

        bool shaped = e.TryGetProperty("statusCode", out JsonElement code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == status
            && e.TryGetProperty("error", out JsonElement reason) && reason.ValueKind == JsonValueKind.String
            && e.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String
            && (!e.TryGetProperty("errorCode", out JsonElement errorCode) || errorCode.ValueKind == JsonValueKind.String)
            && e.EnumerateObject().All(p => p.Name is "statusCode" or "error" or "message" or "errorCode");
        return shaped ? null : "not an Auth0 error body {statusCode, error, message, errorCode}";
    }

    private static (byte[] Bytes, string ContentType, string Kind) NextBody(Random random)
    {
        string json = random.Next(20) switch
        {
            0 => "application/x-www-form-urlencoded",
            1 => "text/plain",
            _ => "application/json",
        };
        // Long strings are 1 in 40 (each up to 1 MB), the other kinds share the rest.
        int pick = random.Next(40);
        switch (pick == 1 ? 1 : (pick % 12 == 1 ? 6 : pick % 12))
        {
            case 0:
                return (Encoding.UTF8.GetBytes(Deep(random)), json, "deep nesting");
            case 1:
                return (Encoding.UTF8.GetBytes(new JsonObject { [Pick(random)] = new string('x', random.Next(100_000, 1_000_000)) }.ToJsonString()), json, "long string");
            case 2:
                byte[] bad = Encoding.UTF8.GetBytes($"{{\"{Pick(random)}\":\"....\"}}");
                bad[^4] = (byte)random.Next(0x80, 0x100);
                bad[^3] = 0xC3;
                bad[^2] = (byte)random.Next(0, 0x40);
                return (bad, json, "invalid UTF-8");
            case 3:
                byte[] noise = new byte[random.Next(1, 300)];
                random.NextBytes(noise);
                return (noise, json, "random bytes");
            case 4:
                string[] texts = { "{", "}", "[", "{\"a\":", "nul", "tru", "{'a':1}", "{\"a\":1,}", "NaN", "1e999999", "-", "\"unterminated", "<xml/>", "a=b&c", "{\"a\":1}{\"b\":2}" };
                return (Encoding.UTF8.GetBytes(texts[random.Next(texts.Length)]), json, "non-JSON");
            case 5:
                return (Encoding.UTF8.GetBytes(string.Join("&", Enumerable.Range(0, random.Next(1, 8)).Select(_ => Uri.EscapeDataString(Pick(random)) + "=" + Uri.EscapeDataString(Scalar(random)?.ToJsonString() ?? "null")))),
                    "application/x-www-form-urlencoded", "form");
            default:
                return (Encoding.UTF8.GetBytes(RandomObject(random, 0)?.ToJsonString() ?? "null"), json, "random JSON");
        }
    }

    private static string Pick(Random random) => random.Next(4) == 0 ? "f" + random.Next(1000).ToString(CultureInfo.InvariantCulture) : FieldNames[random.Next(FieldNames.Length)];

    /// <summary>An object with at least one field, named mostly like the endpoints' own, of random kinds.</summary>
    private static JsonNode? RandomObject(Random random, int depth)
    {
        if (random.Next(15) == 0)
        {
            return new JsonArray(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1)).ToArray());
        }

        if (random.Next(20) == 0)
        {
            return Scalar(random);
        }

        var o = new JsonObject();
        int n = random.Next(1, 6);
        for (int i = 0; i < n; i++)
        {
            o[Pick(random)] = Value(random, depth + 1);
        }

        return o;
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(depth > 3 ? 6 : 9) switch
    {
        < 6 => Scalar(random),
        6 or 7 => RandomObject(random, depth),
        _ => new JsonArray(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1)).ToArray()),
    };

    private static JsonNode? Scalar(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * 1e300),
        4 => JsonValue.Create(""),
        5 => JsonValue.Create("cred_" + random.Next()),
        6 => JsonValue.Create("-----BEGIN PUBLIC KEY-----\nAAAA" + random.Next() + "\n-----END PUBLIC KEY-----"),
        7 => JsonValue.Create(new string((char)random.Next(0x20, 0x3000), random.Next(1, 300))),
        8 => JsonValue.Create(new[] { "RS256", "PS256", "public_key", "private_key_jwt", "client_credentials", "2030-01-01T00:00:00Z", "9999-99-99" }[random.Next(7)]),
        _ => JsonValue.Create("\u0000\ud800x\"\\"),
    };

    private static string Deep(Random random)
    {
        int depth = random.Next(65, 5000);
        bool arrays = random.Next(2) == 0;
        var sb = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            sb.Append(arrays ? "[" : "{\"a\":");
        }

        sb.Append('1');
        for (int i = 0; i < depth; i++)
        {
            sb.Append(arrays ? ']' : '}');
        }

        return arrays ? "{\"name\":" + sb + "}" : sb.ToString();
    }
}
