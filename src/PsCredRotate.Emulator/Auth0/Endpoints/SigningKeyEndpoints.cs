using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Management;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Endpoints;

/// <summary>/api/v2/keys/signing: list, get, rotate (next becomes current), revoke (only the previous key).</summary>
public static class SigningKeyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/keys/signing", (TenantContext tenant) =>
            ApiResults.Json(tenant.Store.Read(s => new JsonArray(s.SigningKeys.Select(k => (JsonNode?)Render(k)).ToArray()))))
            .AnyScope("read:signing_keys");

        api.MapGet("/keys/signing/{kid}", (string kid, TenantContext tenant) =>
        {
            JsonObject? key = tenant.Store.Read(s => s.SigningKeys.Find(k => k.Kid == kid) is { } k ? Render(k) : null);
            return key is null ? NotFound().ToResult() : ApiResults.Json(key);
        }).AnyScope("read:signing_keys");

        api.MapPost("/keys/signing/rotate", (HttpContext http, TenantContext tenant) =>
        {
            DateTimeOffset now = tenant.Now;
            SigningKey fresh = TenantSeed.NewSigningKey(tenant.Domain(http), now, current: false);
            JsonObject answer = tenant.Store.Write(s =>
            {
                SigningKey? current = s.SigningKeys.Find(k => k.Current);
                SigningKey? next = s.SigningKeys.Find(k => k.Next);
                if (current is not null)
                {
                    current.Current = false;
                    current.Previous = true;
                    current.CurrentUntil = now;
                }

                if (next is not null)
                {
                    next.Next = false;
                    next.Current = true;
                    next.CurrentSince = now;
                }

                s.SigningKeys.Add(fresh);
                return new JsonObject { ["cert"] = fresh.CertPem, ["kid"] = fresh.Kid };
            });
            return ApiResults.Json(answer, 201);
        }).AllScopes("create:signing_keys", "update:signing_keys");

        api.MapPut("/keys/signing/{kid}/revoke", (string kid, TenantContext tenant) =>
        {
            DateTimeOffset now = tenant.Now;
            JsonObject answer = tenant.Store.Write(s =>
            {
                SigningKey key = s.SigningKeys.Find(k => k.Kid == kid) ?? throw NotFound();
                if (!key.Previous || key.Revoked)
                {
                    throw new ApiError(400, Auth0Messages.RevokeNotPrevious, "invalid_request");
                }

                key.Revoked = true;
                key.RevokedAt = now;
                return new JsonObject { ["cert"] = key.CertPem, ["kid"] = key.Kid };
            });
            return ApiResults.Json(answer);
        }).AnyScope("update:signing_keys");
    }

    /// <summary>kid, cert, pkcs7, fingerprint (SHA-1 hex with colons), thumbprint (same hex without), flags and dates.</summary>
    public static JsonObject Render(SigningKey k)
    {
        string der64 = Tokens.Discovery.CertBase64(k.CertPem);
        string sha1 = KeyMaterial.Sha1Hex(Convert.FromBase64String(der64));
        var o = new JsonObject
        {
            ["kid"] = k.Kid,
            ["cert"] = k.CertPem,
            ["pkcs7"] = k.Pkcs7Pem,
            ["fingerprint"] = KeyMaterial.Colons(sha1),
            ["thumbprint"] = sha1,
        };
        if (k.Current)
        {
            o["current"] = true;
        }

        if (k.Next)
        {
            o["next"] = true;
        }

        if (k.Previous)
        {
            o["previous"] = true;
        }

        if (k.CurrentSince is { } since)
        {
            o["current_since"] = KeyMaterial.Timestamp(since);
        }

        if (k.CurrentUntil is { } until)
        {
            o["current_until"] = KeyMaterial.Timestamp(until);
        }

        if (k.Revoked)
        {
            o["revoked"] = true;
            o["revoked_at"] = KeyMaterial.Timestamp(k.RevokedAt!.Value);
        }

        return o;
    }

    private static ApiError NotFound() => new(404, Auth0Messages.SigningKeyNotFound, "not_found");
}
