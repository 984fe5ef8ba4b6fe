using System;
using System.IO;
using System.Security;
using System.Text;

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
        Check(key, format, publicOnly, password);
        return Render(key, format, publicOnly, password);
    }

    /// <summary>
    /// Export-RotationKey's rule for text going to the pipeline: a key without a private half gives
    /// its public half; private material is written as text only when the caller said so
    /// (<paramref name="asPlainText"/>), even when encrypted, and otherwise is refused with
    /// <see cref="ErrorIds.PrivateKeyPlainTextRequired"/> before anything is encoded.
    /// </summary>
    public static string ExportAsText(RotationKey key, KeyExportFormat format, bool publicOnly, SecureString? password, bool asPlainText)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        bool includesPrivate = IncludesPrivate(key, publicOnly);
        if (includesPrivate && !asPlainText)
        {
            throw new PsCredRotateException(
                ErrorIds.PrivateKeyPlainTextRequired,
                ErrorKind.SecurityError,
                $"Key '{key.Kid}' holds a private key. Write it to a file with -Path, export only the public key with -PublicOnly, or confirm that the private key may go to the pipeline as text with -AsPlainText.",
                key.Kid);
        }

        return Export(key, format, !includesPrivate, password);
    }

    /// <summary>Whether an export holds private material: the key has it and only the public half was not asked for.</summary>
    public static bool IncludesPrivate(RotationKey key, bool publicOnly) =>
        key is not null && key.HasPrivateKey && !publicOnly;

    /// <summary>
    /// Writes the key to <paramref name="path"/>. A file holding private material is created
    /// owner-only (0600 / owner-only ACL) at creation; the write is atomic, so a failure leaves no
    /// partial file; an existing file is replaced only when <paramref name="overwrite"/>.
    /// </summary>
    public static FileInfo ExportToFile(RotationKey key, string path, KeyExportFormat format, bool publicOnly, SecureString? password, bool overwrite)
    {
        Check(key, format, publicOnly, password);
        byte[]? bytes = null;
        try
        {
            return OwnerOnlyFile.WriteAtomically(path, ownerOnly: !publicOnly, overwrite, stream =>
            {
                // Rendered only once the path is known to be usable (encryption takes a moment).
                bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Render(key, format, publicOnly, password));
                stream.Write(bytes, 0, bytes.Length);
            });
        }
        finally
        {
            SecureStrings.Clear(bytes);
        }
    }

    private static void Check(RotationKey key, KeyExportFormat format, bool publicOnly, SecureString? password)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (!Enum.IsDefined(typeof(KeyExportFormat), format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
        }

        if (password is not null)
        {
            if (format != KeyExportFormat.Pem)
            {
                throw new PsCredRotateException(
                    ErrorIds.ExportFormatPasswordUnsupported,
                    ErrorKind.InvalidArgument,
                    $"A password encrypts a PEM private key; the {format} format has no encryption. Export as Pem with the password, or as {format} without one.",
                    format);
            }

            if (publicOnly)
            {
                throw new PsCredRotateException(
                    ErrorIds.ExportFormatPasswordUnsupported,
                    ErrorKind.InvalidArgument,
                    "A password encrypts the private key; a public-only export is not encrypted. Leave out the password, or export the private key.",
                    format);
            }

            if (password.Length == 0)
            {
                throw new PsCredRotateException(
                    ErrorIds.KeyPasswordEmpty,
                    ErrorKind.InvalidArgument,
                    "The password is empty; give a password to encrypt the key.");
            }
        }

        if (!publicOnly && !key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.PrivateKeyUnavailable,
                ErrorKind.InvalidOperation,
                $"The key {key.Kid} holds only the public half; export it public-only.",
                key.Kid);
        }
    }

    private static string Render(RotationKey key, KeyExportFormat format, bool publicOnly, SecureString? password) => format switch
    {
        KeyExportFormat.Jwk => JwkWriter.WriteJwk(key, includePrivate: !publicOnly),
        KeyExportFormat.Jwks => JwkWriter.WriteJwks(key, includePrivate: !publicOnly),
        _ => RenderPem(key, publicOnly, password),
    };

    private static string RenderPem(RotationKey key, bool publicOnly, SecureString? password)
    {
        string keyBlock;
        if (publicOnly)
        {
            keyBlock = key.PublicKeyPem;
        }
        else
        {
            byte[] pkcs8 = key.Material.ExportPkcs8PrivateKey();
            try
            {
                if (password is null)
                {
                    keyBlock = Pem.Encode(Pem.PrivateKeyLabel, pkcs8);
                }
                else
                {
                    char[] chars = SecureStrings.ToChars(password);
                    try
                    {
                        keyBlock = Pem.Encode(Pem.EncryptedPrivateKeyLabel, Pkcs8Encryptor.Encrypt(pkcs8, chars));
                    }
                    finally
                    {
                        SecureStrings.Clear(chars);
                    }
                }
            }
            finally
            {
                SecureStrings.Clear(pkcs8);
            }
        }

        return key.CertificatePem is string certificate ? keyBlock + certificate : keyBlock;
    }
}
