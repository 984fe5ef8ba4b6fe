using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>
/// The bytes Dfns verifies, as its SDK (sdk-keysigner: Node <c>crypto.sign(undefined, data, key)</c>)
/// and docs produce them: ECDSA P-256 with SHA-256 as DER (not JOSE's r‖s), Ed25519 as the raw
/// 64 bytes, RSA as PKCS#1 v1.5 with SHA-256. The JSON texts that are signed (client data, the
/// attestation's signed object) are compact and built member by member, so the bytes are exactly
/// those documented.
/// </summary>
internal static class DfnsSignatures
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The algorithm a Dfns signature of this key uses; <see cref="ErrorIds.DfnsKeyTypeUnsupported"/> for P-384/P-521.</summary>
    public static KeyAlgorithm AlgorithmFor(RotationKey key)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        switch (key.KeyType)
        {
            case KeyType.RSA:
                return KeyAlgorithm.RS256;
            case KeyType.OKP:
                return KeyAlgorithm.EdDSA;
            case KeyType.EC when key.Curve == KeyAlgorithms.CurveP256:
                return KeyAlgorithm.ES256;
            default:
                throw new PsCredRotateException(
                    ErrorIds.DfnsKeyTypeUnsupported,
                    ErrorKind.InvalidArgument,
                    $"A {key.Curve ?? key.KeyType.ToString()} key cannot be used with Dfns here: use an EC P-256 (ES256), Ed25519 (EdDSA) or RSA (RS256, 2048 bits or more) key.",
                    key.Kid);
        }
    }

    /// <summary>Signs <paramref name="data"/> in the form Dfns verifies.</summary>
    public static byte[] Sign(RotationKey key, byte[] data)
    {
        KeyAlgorithm algorithm = AlgorithmFor(key);
        byte[] signature = key.Material.Sign(algorithm, data);
        return algorithm == KeyAlgorithm.ES256 ? EcdsaSignatureEncoding.ToDer(signature) : signature;
    }

    /// <summary>Verifies a signature in the Dfns form (for tests and self-checks).</summary>
    public static bool Verify(RotationKey key, byte[] data, byte[] signature)
    {
        KeyAlgorithm algorithm = AlgorithmFor(key);
        if (algorithm == KeyAlgorithm.ES256)
        {
            byte[]? p1363 = EcdsaSignatureEncoding.FromDer(signature, 32);
            return p1363 is not null && key.Material.Verify(algorithm, data, p1363);
        }

        return key.Material.Verify(algorithm, data, signature);
    }

    /// <summary>User-action client data: <c>{"type":"key.get","challenge":"…"}</c>, compact, in the SDK's member order.</summary>
    public static string AssertionClientData(string challenge) =>
        Write(w =>
        {
            w.WriteString(DfnsWire.Type, DfnsWire.ClientDataTypeGet);
            w.WriteString(DfnsWire.Challenge, challenge);
        });

    /// <summary>New-key client data: <c>{"challenge":"…","type":"key.create"}</c>, members sorted, compact.</summary>
    public static string AttestationClientData(string challenge) =>
        Write(w =>
        {
            w.WriteString(DfnsWire.Challenge, challenge);
            w.WriteString(DfnsWire.Type, DfnsWire.ClientDataTypeCreate);
        });

    /// <summary>What the new key signs for its attestation: <c>{"clientDataHash":"&lt;hex sha256(clientData)&gt;","publicKey":"&lt;PEM&gt;"}</c>.</summary>
    public static string AttestationSignedText(string clientData, string publicKeyPem) =>
        Write(w =>
        {
            w.WriteString(DfnsWire.ClientDataHash, Hex(Sha256(Encoding.UTF8.GetBytes(clientData))));
            w.WriteString(DfnsWire.PublicKey, publicKeyPem);
        });

    /// <summary>The attestation JSON <c>{"publicKey":"&lt;PEM&gt;","signature":"&lt;hex&gt;"}</c> (before base64url).</summary>
    public static string AttestationData(RotationKey newKey, string clientData)
    {
        string signed = AttestationSignedText(clientData, newKey.PublicKeyPem);
        byte[] signature = Sign(newKey, Encoding.UTF8.GetBytes(signed));
        return Write(w =>
        {
            w.WriteString(DfnsWire.PublicKey, newKey.PublicKeyPem);
            w.WriteString(DfnsWire.Signature, Hex(signature));
        });
    }

    public static string Hex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (byte b in bytes)
        {
            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    internal static string Write(Action<Utf8JsonWriter> members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Compact))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static byte[] Sha256(byte[] data)
    {
        using SHA256 sha = SHA256.Create();
        return sha.ComputeHash(data);
    }
}
