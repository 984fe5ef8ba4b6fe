using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PsCredRotate.Emulator.Auth0.Crypto;

/// <summary>A parsed (not yet verified) compact JWS.</summary>
public sealed class Jws
{
    private Jws(JsonObject header, JsonObject payload, byte[] signingInput, byte[] signature)
    {
        Header = header;
        Payload = payload;
        SigningInput = signingInput;
        Signature = signature;
    }

    public JsonObject Header { get; }

    public JsonObject Payload { get; }

    public byte[] SigningInput { get; }

    public byte[] Signature { get; }

    public string? Alg => Header["alg"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    public string? Kid => Header["kid"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>Parses header.payload.signature; null when the text is not a JWS with JSON object parts.</summary>
    public static Jws? TryParse(string? compact)
    {
        if (string.IsNullOrEmpty(compact) || compact.Length > 16_384)
        {
            return null;
        }

        string[] parts = compact.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(KeyMaterial.FromBase64Url(parts[0])) is not JsonObject header
                || JsonNode.Parse(KeyMaterial.FromBase64Url(parts[1])) is not JsonObject payload)
            {
                return null;
            }

            // Materialise both objects: a duplicate member name fails here.
            _ = header.Count + payload.Count;
            return new Jws(header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), KeyMaterial.FromBase64Url(parts[2]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Checks the signature for RS256, RS384 or PS256; any other alg fails.</summary>
    public bool Verify(RSA key, string alg)
    {
        (HashAlgorithmName hash, RSASignaturePadding padding) = alg switch
        {
            "RS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "PS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => (default, RSASignaturePadding.Pkcs1),
        };
        if (hash.Name is null)
        {
            return false;
        }

        try
        {
            return key.VerifyData(SigningInput, Signature, hash, padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Signs an RS256 JWT with the given header fields and claims.</summary>
    public static string SignRs256(RSA key, string kid, JsonObject claims)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid };
        string input = KeyMaterial.Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + KeyMaterial.Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        byte[] signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + KeyMaterial.Base64Url(signature);
    }

    /// <summary>A numeric claim (seconds since the epoch) or null.</summary>
    public long? Number(string name) =>
        Payload[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) ? (long)d : null;

    public string? Text(string name) => Payload[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
