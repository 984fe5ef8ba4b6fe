using System;
using System.IO;
using System.Security;

namespace PsCredRotate.Core.Keys;

/// <summary>Output formats of Export-RotationKey.</summary>
public enum KeyExportFormat
{
    /// <summary>PEM: PKCS#8 (encrypted with a password) or SPKI, followed by the certificate if any.</summary>
    Pem,

    /// <summary>One JWK (RFC 7517) with kid, alg, use and x5c/x5t#S256 when a certificate is present.</summary>
    Jwk,

    /// <summary>A JWK Set <c>{"keys":[...]}</c> holding the key.</summary>
    Jwks,
}

/// <summary>Writes keys out: text for the pipeline, or owner-only files created in one step.</summary>
public static class KeyExporter
{
    /// <summary>The key as text. Private material only when <paramref name="publicOnly"/> is false.</summary>
    public static string Export(RotationKey key, KeyExportFormat format, bool publicOnly, SecureString? password = null)
    {
        throw new NotImplementedException("KeyExporter.Export: being written (issue 2, keys: generate/certificate/export).");
    }

    /// <summary>
    /// Writes the key to <paramref name="path"/>. A file holding private material is created
    /// owner-only (0600 / owner-only ACL) at creation; the write is atomic, so a failure leaves no
    /// partial file; an existing file is replaced only when <paramref name="overwrite"/>.
    /// </summary>
    public static FileInfo ExportToFile(RotationKey key, string path, KeyExportFormat format, bool publicOnly, SecureString? password, bool overwrite)
    {
        throw new NotImplementedException("KeyExporter.ExportToFile: being written (issue 2, keys: generate/certificate/export).");
    }
}
