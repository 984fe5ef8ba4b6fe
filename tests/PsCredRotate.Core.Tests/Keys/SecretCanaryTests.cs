using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.Json;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>
/// Private values and passwords never show up where people and logs look: ToString, JSON of the
/// object, public exports, and every exception the generate/export paths throw.
/// </summary>
public sealed class SecretCanaryTests
{
    private const string Password = "canary-Pa55word-7f3a9c";

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.ThreeKeyTypes), MemberType = typeof(GeneratedKeyFixtures))]
    public void Private_values_are_absent_from_ToString_and_json_of_the_key(KeyAlgorithm algorithm)
    {
        using RotationKey key = NewKey(algorithm);
        string[] secrets = Secrets(key);

        string text = key.ToString();
        string json = JsonSerializer.Serialize(key);
        using RotationKey publicKey = key.ToPublicKey();
        string publicJson = JsonSerializer.Serialize(publicKey);

        Assert.Contains(key.Kid, text, StringComparison.Ordinal);
        Assert.Contains(key.Kid, json, StringComparison.Ordinal);
        Assert.Contains("\"HasPrivateKey\":true", json, StringComparison.Ordinal);
        AssertFree(secrets, text, json, publicJson);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.ThreeKeyTypes), MemberType = typeof(GeneratedKeyFixtures))]
    public void Private_values_are_absent_from_public_exports(KeyAlgorithm algorithm)
    {
        using RotationKey key = NewKey(algorithm);

        AssertFree(
            Secrets(key),
            KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: true),
            KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: true),
            KeyExporter.Export(key, KeyExportFormat.Jwks, publicOnly: true));
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.ThreeKeyTypes), MemberType = typeof(GeneratedKeyFixtures))]
    public void Private_values_and_the_password_are_absent_from_every_export_error(KeyAlgorithm algorithm)
    {
        using RotationKey key = NewKey(algorithm);
        using RotationKey publicKey = key.ToPublicKey();
        using SecureString password = SecureStrings.FromString(Password);
        using var empty = new SecureString();
        using var dir = new TempDir();
        string existing = dir.Write("existing.pem", "existing\n");

        var errors = new List<(string Expected, PsCredRotateException Error)>
        {
            (ErrorIds.ExportFileExists, Catch(() => KeyExporter.ExportToFile(key, existing, KeyExportFormat.Pem, publicOnly: false, password, overwrite: false))),
            (ErrorIds.ExportFileExists, Catch(() => KeyExporter.ExportToFile(key, existing, KeyExportFormat.Jwk, publicOnly: false, null, overwrite: false))),
            (ErrorIds.ExportPathInvalid, Catch(() => KeyExporter.ExportToFile(key, Path.Combine(dir.Path, "missing", "k.pem"), KeyExportFormat.Pem, publicOnly: false, password, overwrite: false))),
            (ErrorIds.ExportWriteFailed, Catch(() => KeyExporter.ExportToFile(key, "/proc/pscredrotate-canary.pem", KeyExportFormat.Pem, publicOnly: false, password, overwrite: false))),
            (ErrorIds.ExportWriteFailed, Catch(() => OwnerOnlyFile.WriteAtomically(dir.File("late.pem"), ownerOnly: true, overwrite: false, stream =>
            {
                byte[] text = System.Text.Encoding.UTF8.GetBytes(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false));
                stream.Write(text, 0, text.Length);
                throw new IOException("simulated failure after the private key was written");
            }))),
            (ErrorIds.ExportFormatPasswordUnsupported, Catch(() => KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false, password))),
            (ErrorIds.ExportFormatPasswordUnsupported, Catch(() => KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: true, password))),
            (ErrorIds.KeyPasswordEmpty, Catch(() => KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, empty))),
            (ErrorIds.PrivateKeyUnavailable, Catch(() => KeyExporter.Export(publicKey, KeyExportFormat.Jwk, publicOnly: false))),
            (ErrorIds.PrivateKeyUnavailable, Catch(() => publicKey.Material.PrivateJwkMembers())),
        };

        string[] secrets = Secrets(key).Append(Password).ToArray();
        foreach ((string expected, PsCredRotateException error) in errors)
        {
            Assert.Equal(expected, error.ErrorId);
            AssertFree(secrets, error.Message, error.ToString(), error.Target?.ToString() ?? string.Empty);
        }

        Assert.Equal(new[] { "existing.pem" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public void The_password_is_absent_from_the_encrypted_export()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using SecureString password = SecureStrings.FromString(Password);

        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false, password);

        AssertFree(Secrets(key).Append(Password).ToArray(), pem, string.Concat(pem.Where(c => !char.IsWhiteSpace(c))));
    }

    [Fact]
    public void The_canary_detects_a_private_value_where_one_is_exported()
    {
        // The same canary finds the secrets where they legitimately are, so its silence elsewhere means something.
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        string[] secrets = Secrets(key);

        string jwk = KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false);
        string pem = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false);

        Assert.Contains(secrets[0], jwk, StringComparison.Ordinal);
        Assert.Contains(secrets[1], string.Concat(pem.Where(c => !char.IsWhiteSpace(c))), StringComparison.Ordinal);
    }

    private static RotationKey NewKey(KeyAlgorithm algorithm) =>
        KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm, Name = "canary", Certificate = true });

    /// <summary>base64url d (and p, q for RSA) and the base64 of the PKCS#8 DER.</summary>
    private static string[] Secrets(RotationKey key)
    {
        var secrets = new List<string>();
        foreach (KeyValuePair<string, string> member in key.Material.PrivateJwkMembers())
        {
            if (member.Key is "d" or "p" or "q")
            {
                secrets.Add(member.Value);
            }
        }

        secrets.Add(Convert.ToBase64String(key.Material.ExportPkcs8PrivateKey()));
        Assert.All(secrets, s => Assert.True(s.Length >= 40, "a canary must be long enough to be unique"));
        return secrets.ToArray();
    }

    private static PsCredRotateException Catch(Action action) => Assert.ThrowsAny<PsCredRotateException>(action);

    private static PsCredRotateException Catch(Func<object> action) => Assert.ThrowsAny<PsCredRotateException>(() => action());

    private static void AssertFree(string[] secrets, params string[] places)
    {
        foreach (string place in places)
        {
            foreach (string secret in secrets)
            {
                Assert.False(place.Contains(secret, StringComparison.Ordinal), "a secret leaked into: " + place.Substring(0, Math.Min(80, place.Length)));
            }
        }
    }
}
