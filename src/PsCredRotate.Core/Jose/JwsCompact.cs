using System;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Jose;

/// <summary>
/// Compact JWS serialization (RFC 7515 §7.1) signed by <see cref="KeyMaterial.Sign"/>, which
/// already returns the JOSE signature form (RSA bytes, ECDSA r‖s, Ed25519). Callers write their
/// own header members and payload; <c>alg</c> is always written first, from the algorithm used.
/// Reusable for client assertions, access tokens and any other JWS PsCredRotate produces.
/// </summary>
internal static class JwsCompact
{
    /// <summary>The RFC 7518 / RFC 8037 <c>alg</c> value of an algorithm.</summary>
    public static string AlgorithmName(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.RS256 => "RS256",
        KeyAlgorithm.RS384 => "RS384",
        KeyAlgorithm.RS512 => "RS512",
        KeyAlgorithm.PS256 => "PS256",
        KeyAlgorithm.PS384 => "PS384",
        KeyAlgorithm.PS512 => "PS512",
        KeyAlgorithm.ES256 => "ES256",
        KeyAlgorithm.ES384 => "ES384",
        KeyAlgorithm.ES512 => "ES512",
        KeyAlgorithm.EdDSA => "EdDSA",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a JWS algorithm."),
    };

    /// <summary>
    /// Signs a JWS. <paramref name="writeHeaderMembers"/> writes the header members after
    /// <c>alg</c> (kid, typ, ...); <paramref name="writePayloadMembers"/> writes the members of the
    /// payload object. Both write into an object that is already open.
    /// </summary>
    public static string Sign(KeyMaterial material, KeyAlgorithm algorithm, Action<Utf8JsonWriter> writeHeaderMembers, Action<Utf8JsonWriter> writePayloadMembers)
    {
        if (material is null)
        {
            throw new ArgumentNullException(nameof(material));
        }

        if (writeHeaderMembers is null)
        {
            throw new ArgumentNullException(nameof(writeHeaderMembers));
        }

        if (writePayloadMembers is null)
        {
            throw new ArgumentNullException(nameof(writePayloadMembers));
        }

        string algorithmName = AlgorithmName(algorithm);
        byte[] header = WriteObject(w =>
        {
            w.WriteString(JoseHeaderNames.Algorithm, algorithmName);
            writeHeaderMembers(w);
        });
        byte[] payload = WriteObject(writePayloadMembers);
        return Sign(material, algorithm, header, payload);
    }

    /// <summary>Signs a JWS over an already serialized header and payload (UTF-8 JSON).</summary>
    public static string Sign(KeyMaterial material, KeyAlgorithm algorithm, byte[] headerJson, byte[] payload)
    {
        if (material is null)
        {
            throw new ArgumentNullException(nameof(material));
        }

        string signingInput = Base64Url.Encode(headerJson) + "." + Base64Url.Encode(payload);
        byte[] signature = material.Sign(algorithm, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>
    /// One JSON object, UTF-8, without indentation. Only what JSON requires is escaped (quote,
    /// backslash, control characters): the text is never embedded in HTML, and "at+jwt" or a URL
    /// with '&amp;' stays readable as written.
    /// </summary>
    public static byte[] WriteObject(Action<Utf8JsonWriter> writeMembers)
    {
        if (writeMembers is null)
        {
            throw new ArgumentNullException(nameof(writeMembers));
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
