using System.Text.Json.Nodes;
using PsCredRotate.Emulator.Auth0.Crypto;

namespace PsCredRotate.Emulator.Auth0.Tokens;

/// <summary>The claim checks Auth0 applies to a private_key_jwt client assertion (after its signature).</summary>
public static class AssertionRules
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    public const int MaxJtiLength = 64;

    /// <summary>Null when the claims are acceptable, else the error_description.</summary>
    public static string? CheckClaims(Jws jws, string tenantUrl, DateTimeOffset now, out long exp)
    {
        exp = 0;
        bool audOk = jws.Payload["aud"] switch
        {
            JsonValue v => v.TryGetValue(out string? s) && s == tenantUrl,
            JsonArray a => a.Any(n => n is JsonValue v && v.TryGetValue(out string? s) && s == tenantUrl),
            _ => false,
        };
        if (!audOk)
        {
            return $"The client_assertion 'aud' claim must be '{tenantUrl}' (the tenant URL with a trailing slash).";
        }

        long? expClaim = jws.Number("exp");
        if (expClaim is null)
        {
            return "The client_assertion must have an 'exp' claim.";
        }

        exp = expClaim.Value;
        long nowSeconds = now.ToUnixTimeSeconds();
        long skew = (long)ClockSkew.TotalSeconds;
        long? iat = jws.Number("iat");
        long? nbf = jws.Number("nbf");
        if (exp + skew < nowSeconds)
        {
            return "The client_assertion has expired ('exp' is in the past).";
        }

        if (iat is { } issued && issued > nowSeconds + skew)
        {
            return "The client_assertion 'iat' claim is in the future.";
        }

        if (nbf is { } notBefore && notBefore > nowSeconds + skew)
        {
            return "The client_assertion is not valid yet ('nbf' is in the future).";
        }

        if (exp - (iat ?? nowSeconds) > (long)MaxLifetime.TotalSeconds)
        {
            return "'exp' claim must specify a time that is no more than 5 minutes after 'iat'";
        }

        string? jti = jws.Text("jti");
        if (string.IsNullOrEmpty(jti))
        {
            return "The client_assertion must have a 'jti' claim.";
        }

        if (jti.Length > MaxJtiLength)
        {
            return "The client_assertion 'jti' claim must be at most 64 characters.";
        }

        return null;
    }
}
