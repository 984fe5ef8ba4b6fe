using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text.Json;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace PsCredRotate.Core.Keys;

/// <summary>What a JWK holds: the key, its "alg" when given, and its first x5c certificate.</summary>
internal sealed class JwkContent
{
    public JwkContent(KeyMaterial material, KeyAlgorithm? algorithm, KeyCertificate? certificate)
    {
        Material = material;
        Algorithm = algorithm;
        Certificate = certificate;
    }

    public KeyMaterial Material { get; }

    public KeyAlgorithm? Algorithm { get; }

    public KeyCertificate? Certificate { get; }
}

/// <summary>
/// Reads one JWK (RFC 7517/7518/8037) or a JWKS holding exactly one key: RSA, EC (P-256, P-384,
/// P-521) and OKP Ed25519, public or private. Private values are checked against the public ones.
/// Messages name members, never their values.
/// </summary>
internal static class JwkReader
{
    public static JwkContent Read(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new PsCredRotateException(
                ErrorIds.JwkInvalidJson,
                ErrorKind.InvalidData,
                "The input is not valid JSON, so it cannot be read as a JWK.",
                null,
                ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PsCredRotateException(ErrorIds.JwkInvalidJson, ErrorKind.InvalidData, "A JWK must be a JSON object.");
            }

            return ReadKey(SingleKey(root));
        }
    }

    private static JsonElement SingleKey(JsonElement root)
    {
        if (!root.TryGetProperty("keys", out JsonElement keys))
        {
            return root;
        }

        if (keys.ValueKind != JsonValueKind.Array)
        {
            throw InvalidMember("keys", "must be an array of JWKs");
        }

        int count = keys.GetArrayLength();
        if (count == 0)
        {
            throw new PsCredRotateException(ErrorIds.JwkMissingMember, ErrorKind.InvalidData, "The JWK set has no key: its 'keys' array is empty.", "keys");
        }

        if (count > 1)
        {
            throw new PsCredRotateException(
                ErrorIds.JwksAmbiguous,
                ErrorKind.InvalidData,
                $"The JWK set holds {count} keys; import needs exactly one. Extract the key you want into its own JWK.",
                count);
        }

        JsonElement key = keys[0];
        if (key.ValueKind != JsonValueKind.Object)
        {
            throw InvalidMember("keys", "must be an array of JWK objects");
        }

        return key;
    }

    private static JwkContent ReadKey(JsonElement jwk)
    {
        string kty = RequiredString(jwk, "kty");
        KeyAlgorithm? alg = null;
        if (jwk.TryGetProperty("alg", out JsonElement algElement))
        {
            if (algElement.ValueKind != JsonValueKind.String)
            {
                throw InvalidMember("alg", "must be a string");
            }

            alg = KeyAlgorithms.Parse(algElement.GetString()!);
        }

        KeyMaterial material = kty switch
        {
            "RSA" => ReadRsa(jwk),
            "EC" => ReadEc(jwk),
            "OKP" => ReadOkp(jwk),
            _ => throw new PsCredRotateException(
                ErrorIds.JwkKeyTypeUnsupported,
                ErrorKind.InvalidData,
                kty == "oct"
                    ? "The JWK is a symmetric key (kty 'oct'); only RSA, EC and OKP (Ed25519) key pairs can be imported."
                    : $"The JWK key type '{Printable(kty)}' is not supported; use RSA, EC or OKP (Ed25519).",
                Printable(kty)),
        };

        try
        {
            return new JwkContent(material, alg, ReadCertificate(jwk));
        }
        catch
        {
            material.Dispose();
            throw;
        }
    }

    private static KeyMaterial ReadRsa(JsonElement jwk)
    {
        byte[] n = RequiredBytes(jwk, "n");
        byte[] e = RequiredBytes(jwk, "e");
        byte[]? d = OptionalBytes(jwk, "d");
        if (d is null)
        {
            return RsaKeyMaterial.FromParameters(new RSAParameters { Modulus = n, Exponent = e });
        }

        string[] crt = { "p", "q", "dp", "dq", "qi" };
        foreach (string member in crt)
        {
            if (!jwk.TryGetProperty(member, out _))
            {
                SecureStrings.Clear(d);
                throw new PsCredRotateException(
                    ErrorIds.RsaKeyInvalid,
                    ErrorKind.InvalidData,
                    $"The RSA private JWK has 'd' but no '{member}': private keys without the CRT values (p, q, dp, dq, qi) are not supported.",
                    member);
            }
        }

        var parameters = new RSAParameters
        {
            Modulus = n,
            Exponent = e,
            D = d,
            P = RequiredBytes(jwk, "p"),
            Q = RequiredBytes(jwk, "q"),
            DP = RequiredBytes(jwk, "dp"),
            DQ = RequiredBytes(jwk, "dq"),
            InverseQ = RequiredBytes(jwk, "qi"),
        };
        try
        {
            if (!RsaPrivateConsistent(parameters))
            {
                throw new PsCredRotateException(
                    ErrorIds.JwkPrivateKeyInconsistent,
                    ErrorKind.InvalidData,
                    "The RSA private values do not belong to the public key (n, e).");
            }

            return RsaKeyMaterial.FromParameters(parameters);
        }
        catch (PsCredRotateException ex) when (ex.ErrorId == ErrorIds.RsaKeyInvalid)
        {
            throw new PsCredRotateException(
                ErrorIds.JwkPrivateKeyInconsistent,
                ErrorKind.InvalidData,
                "The RSA private values were refused by the platform: they do not form a valid key with n and e.",
                null,
                ex);
        }
        finally
        {
            SecureStrings.Clear(parameters.D);
            SecureStrings.Clear(parameters.P);
            SecureStrings.Clear(parameters.Q);
            SecureStrings.Clear(parameters.DP);
            SecureStrings.Clear(parameters.DQ);
            SecureStrings.Clear(parameters.InverseQ);
        }
    }

    /// <summary>p·q = n, e·dp ≡ 1 (mod p−1), e·dq ≡ 1 (mod q−1), dp = d mod (p−1), dq = d mod (q−1), q·qi ≡ 1 (mod p).</summary>
    private static bool RsaPrivateConsistent(RSAParameters k)
    {
        BcBigInteger n = BigEndian.ToBigInteger(k.Modulus!);
        BcBigInteger e = BigEndian.ToBigInteger(k.Exponent!);
        BcBigInteger d = BigEndian.ToBigInteger(k.D!);
        BcBigInteger p = BigEndian.ToBigInteger(k.P!);
        BcBigInteger q = BigEndian.ToBigInteger(k.Q!);
        BcBigInteger dp = BigEndian.ToBigInteger(k.DP!);
        BcBigInteger dq = BigEndian.ToBigInteger(k.DQ!);
        BcBigInteger qi = BigEndian.ToBigInteger(k.InverseQ!);
        if (p.SignValue <= 0 || q.SignValue <= 0 || p.Equals(BcBigInteger.One) || q.Equals(BcBigInteger.One) || !p.Multiply(q).Equals(n))
        {
            return false;
        }

        BcBigInteger p1 = p.Subtract(BcBigInteger.One);
        BcBigInteger q1 = q.Subtract(BcBigInteger.One);
        return e.Multiply(dp).Mod(p1).Equals(BcBigInteger.One)
            && e.Multiply(dq).Mod(q1).Equals(BcBigInteger.One)
            && d.Mod(p1).Equals(dp.Mod(p1))
            && d.Mod(q1).Equals(dq.Mod(q1))
            && q.Multiply(qi).Mod(p).Equals(BcBigInteger.One);
    }

    private static KeyMaterial ReadEc(JsonElement jwk)
    {
        string crv = RequiredString(jwk, "crv");
        EcCurve curve = EcCurve.FromJwkName(crv) ?? throw new PsCredRotateException(
            ErrorIds.EcCurveUnsupported,
            ErrorKind.InvalidData,
            $"The EC curve '{Printable(crv)}' is not supported; use P-256, P-384 or P-521.",
            Printable(crv));
        byte[] x = RequiredBytes(jwk, "x");
        byte[] y = RequiredBytes(jwk, "y");
        CheckLength("x", x, curve.FieldBytes, curve.JwkName);
        CheckLength("y", y, curve.FieldBytes, curve.JwkName);
        byte[]? d = OptionalBytes(jwk, "d");
        try
        {
            if (d is not null)
            {
                CheckLength("d", d, curve.FieldBytes, curve.JwkName);
            }

            return EcKeyMaterial.FromCoordinates(curve, x, y, d);
        }
        finally
        {
            SecureStrings.Clear(d);
        }
    }

    private static KeyMaterial ReadOkp(JsonElement jwk)
    {
        string crv = RequiredString(jwk, "crv");
        if (!string.Equals(crv, KeyAlgorithms.CurveEd25519, StringComparison.Ordinal))
        {
            bool known = crv is "Ed448" or "X25519" or "X448";
            throw new PsCredRotateException(
                known ? ErrorIds.KeyTypeUnsupported : ErrorIds.EcCurveUnsupported,
                ErrorKind.InvalidData,
                $"OKP keys on '{Printable(crv)}' are not supported; only Ed25519 is.",
                Printable(crv));
        }

        byte[] x = RequiredBytes(jwk, "x");
        CheckLength("x", x, 32, crv);
        byte[]? d = OptionalBytes(jwk, "d");
        try
        {
            if (d is not null)
            {
                CheckLength("d", d, 32, crv);
            }

            return Ed25519KeyMaterial.FromRaw(x, d);
        }
        finally
        {
            SecureStrings.Clear(d);
        }
    }

    private static KeyCertificate? ReadCertificate(JsonElement jwk)
    {
        if (!jwk.TryGetProperty("x5c", out JsonElement x5c))
        {
            return null;
        }

        if (x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0 || x5c[0].ValueKind != JsonValueKind.String)
        {
            throw InvalidMember("x5c", "must be a non-empty array of base64 certificates");
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(x5c[0].GetString()!);
        }
        catch (FormatException ex)
        {
            throw new PsCredRotateException(ErrorIds.JwkInvalidMember, ErrorKind.InvalidData, "The JWK member 'x5c' is not valid base64.", "x5c", ex);
        }

        return KeyCertificate.FromDer(der);
    }

    private static void CheckLength(string member, byte[] value, int expected, string curve)
    {
        if (value.Length != expected)
        {
            throw new PsCredRotateException(
                ErrorIds.JwkInvalidMember,
                ErrorKind.InvalidData,
                $"The JWK member '{member}' has {value.Length} bytes; {curve} needs exactly {expected}.",
                member);
        }
    }

    private static string RequiredString(JsonElement jwk, string member)
    {
        if (!jwk.TryGetProperty(member, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new PsCredRotateException(ErrorIds.JwkMissingMember, ErrorKind.InvalidData, $"The JWK has no '{member}' member.", member);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw InvalidMember(member, "must be a string");
        }

        return value.GetString()!;
    }

    private static byte[] RequiredBytes(JsonElement jwk, string member)
    {
        string text = RequiredString(jwk, member);
        if (!Base64Url.TryDecode(text, out byte[] data) || data.Length == 0)
        {
            throw InvalidMember(member, "is not valid base64url");
        }

        return data;
    }

    private static byte[]? OptionalBytes(JsonElement jwk, string member) =>
        jwk.TryGetProperty(member, out _) ? RequiredBytes(jwk, member) : null;

    private static PsCredRotateException InvalidMember(string member, string problem) => new(
        ErrorIds.JwkInvalidMember,
        ErrorKind.InvalidData,
        $"The JWK member '{member}' {problem}.",
        member);

    /// <summary>A short, safe rendering of a type or curve name for a message.</summary>
    private static string Printable(string value)
    {
        var chars = new List<char>();
        foreach (char c in value)
        {
            if (chars.Count == 20)
            {
                break;
            }

            chars.Add(c >= 0x20 && c < 0x7f ? c : '?');
        }

        return new string(chars.ToArray());
    }
}
