using System;
using System.Security;

namespace PsCredRotate.Core.Keys;

/// <summary>What Import-RotationKey asks for.</summary>
public sealed class KeyImportOptions
{
    /// <summary>Password of an encrypted PKCS#8 key.</summary>
    public SecureString? Password { get; set; }

    /// <summary>The algorithm the key will sign with; default by key type (RS256, ES256/384/512, EdDSA).</summary>
    public KeyAlgorithm? Algorithm { get; set; }

    public string? Name { get; set; }

    /// <summary>The clock for CreatedAt; tests set it.</summary>
    public DateTimeOffset? Now { get; set; }
}

/// <summary>
/// Reads keys: PEM (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1, SPKI, RSA PUBLIC KEY, CERTIFICATE, in any
/// combination of one key and its certificate), DER, and JWK / single-key JWKS.
/// </summary>
public static class KeyImporter
{
    /// <summary>Inputs larger than this are refused before parsing (KeyInputTooLarge).</summary>
    public const int MaxInputBytes = 1024 * 1024;

    public static RotationKey FromFile(string path, KeyImportOptions? options = null)
    {
        throw new NotImplementedException("KeyImporter.FromFile: being written (issue 2, keys: import).");
    }

    public static RotationKey FromPem(string pem, KeyImportOptions? options = null)
    {
        throw new NotImplementedException("KeyImporter.FromPem: being written (issue 2, keys: import).");
    }

    public static RotationKey FromJwk(string json, KeyImportOptions? options = null)
    {
        throw new NotImplementedException("KeyImporter.FromJwk: being written (issue 2, keys: import).");
    }
}
