using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// Writes a key as a JWK (RFC 7517) or a JWK Set. Member order is fixed: kty, kid, use, alg, the
/// other RFC 7638 public members, the private members (only when asked), x5c and x5t#S256.
/// </summary>
internal static class JwkWriter
{
    public const string Use = "sig";

    // Every value is ASCII (names, base64, base64url); the relaxed encoder keeps '+' in x5c readable.
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One JWK object.</summary>
    public static string WriteJwk(RotationKey key, bool includePrivate) =>
        Write(writer => WriteKey(writer, key, includePrivate));

    /// <summary>A JWK Set holding the one key: <c>{"keys":[...]}</c>.</summary>
    public static string WriteJwks(RotationKey key, bool includePrivate) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("keys");
        WriteKey(writer, key, includePrivate);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            body(writer);
        }

        byte[] bytes = buffer.ToArray();
        try
        {
            return Encoding.UTF8.GetString(bytes) + "\n";
        }
        finally
        {
            SecureStrings.Clear(bytes);
        }
    }

    private static void WriteKey(Utf8JsonWriter writer, RotationKey key, bool includePrivate)
    {
        KeyMaterial material = key.Material;
        IReadOnlyList<KeyValuePair<string, string>> publicMembers = material.PublicJwkMembers();

        // Read private members first, so a public-only key fails before anything is written.
        IReadOnlyList<KeyValuePair<string, string>> privateMembers = includePrivate
            ? material.PrivateJwkMembers()
            : Array.Empty<KeyValuePair<string, string>>();

        writer.WriteStartObject();
        writer.WriteString("kty", Value(publicMembers, "kty"));
        writer.WriteString("kid", key.Kid);
        writer.WriteString("use", Use);
        writer.WriteString("alg", key.Algorithm.ToString());
        foreach (KeyValuePair<string, string> member in publicMembers)
        {
            if (member.Key != "kty")
            {
                writer.WriteString(member.Key, member.Value);
            }
        }

        foreach (KeyValuePair<string, string> member in privateMembers)
        {
            writer.WriteString(member.Key, member.Value);
        }

        if (key.CertificateInfo is KeyCertificate certificate)
        {
            writer.WriteStartArray("x5c");
            writer.WriteStringValue(Convert.ToBase64String(certificate.Der));
            writer.WriteEndArray();
            writer.WriteString("x5t#S256", certificate.Sha256Thumbprint);
        }

        writer.WriteEndObject();
    }

    private static string Value(IReadOnlyList<KeyValuePair<string, string>> members, string name)
    {
        foreach (KeyValuePair<string, string> member in members)
        {
            if (member.Key == name)
            {
                return member.Value;
            }
        }

        throw new CryptographicException("The key has no '" + name + "' member.");
    }
}
