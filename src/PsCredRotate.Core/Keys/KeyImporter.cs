using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Text;

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
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        options ??= new KeyImportOptions();
        byte[] bytes = ReadFile(path);
        try
        {
            return FromBytes(bytes, options);
        }
        finally
        {
            SecureStrings.Clear(bytes);
        }
    }

    public static RotationKey FromPem(string pem, KeyImportOptions? options = null)
    {
        CheckText(pem, nameof(pem));
        if (!PemReader.LooksLikePem(pem))
        {
            throw DerKeyReader.Unrecognized(null);
        }

        return FromPemText(pem, options ?? new KeyImportOptions());
    }

    public static RotationKey FromJwk(string json, KeyImportOptions? options = null)
    {
        CheckText(json, nameof(json));
        return FromJwkText(json, options ?? new KeyImportOptions());
    }

    private static byte[] ReadFile(string path)
    {
        FileInfo file;
        try
        {
            file = new FileInfo(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or SecurityException or UnauthorizedAccessException)
        {
            throw NotFound(path, ex);
        }

        if (!file.Exists)
        {
            throw NotFound(path, null);
        }

        if (file.Length > MaxInputBytes)
        {
            throw TooLarge(path);
        }

        byte[] bytes;
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
            bytes = new byte[MaxInputBytes + 1];
            int total = 0;
            int read;
            while (total < bytes.Length && (read = stream.Read(bytes, total, bytes.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxInputBytes)
            {
                SecureStrings.Clear(bytes);
                throw TooLarge(path);
            }

            byte[] exact = new byte[total];
            Buffer.BlockCopy(bytes, 0, exact, 0, total);
            SecureStrings.Clear(bytes);
            bytes = exact;
        }
        catch (FileNotFoundException ex)
        {
            throw NotFound(path, ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw NotFound(path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException)
        {
            throw new PsCredRotateException(
                ErrorIds.KeyFileUnreadable,
                ErrorKind.ReadError,
                $"The key file '{path}' could not be read: {ex.GetType().Name}. Check its permissions.",
                path,
                ex);
        }

        return bytes;
    }

    private static RotationKey FromBytes(byte[] bytes, KeyImportOptions options)
    {
        string text = DecodeText(bytes, out int start);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Empty();
        }

        if (text.TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return FromJwkText(text, options);
        }

        if (PemReader.LooksLikePem(text))
        {
            return FromPemText(text, options);
        }

        if (bytes.Length == start)
        {
            throw DerKeyReader.Unrecognized(null);
        }

        byte[] der = new byte[bytes.Length - start];
        Buffer.BlockCopy(bytes, start, der, 0, der.Length);
        try
        {
            return FromDer(der, options);
        }
        finally
        {
            SecureStrings.Clear(der);
        }
    }

    /// <summary>The input as text (UTF-16 with a BOM, else UTF-8); <paramref name="start"/> is where DER would begin.</summary>
    private static string DecodeText(byte[] bytes, out int start)
    {
        start = 0;
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            start = bytes.Length;
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            start = bytes.Length;
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            start = 3;
        }

        // Binary DER decodes to text that is neither a JWK nor PEM, and then falls through to DER.
        return new UTF8Encoding(false, false).GetString(bytes, start, bytes.Length - start);
    }

    private static RotationKey FromPemText(string text, KeyImportOptions options)
    {
        var parts = new KeyParts();
        try
        {
            foreach (PemBlock block in PemReader.Read(text))
            {
                try
                {
                    AddPemBlock(parts, block, options);
                }
                finally
                {
                    if (block.Label != Pem.CertificateLabel && block.Label != Pem.PublicKeyLabel && block.Label != Pem.RsaPublicKeyLabel)
                    {
                        SecureStrings.Clear(block.Der);
                    }
                }
            }

            return parts.Build(null, options);
        }
        finally
        {
            parts.DisposeUnused();
        }
    }

    private static void AddPemBlock(KeyParts parts, PemBlock block, KeyImportOptions options)
    {
        switch (block.Label)
        {
            case Pem.PrivateKeyLabel:
                parts.AddPrivate(DerKeyReader.ReadPrivateKeyInfo(block.Der));
                break;
            case Pem.EncryptedPrivateKeyLabel:
                parts.AddPrivate(ReadEncrypted(block.Der, options));
                break;
            case Pem.RsaPrivateKeyLabel:
                parts.AddPrivate(DerKeyReader.ReadRsaPrivateKey(block.Der));
                break;
            case Pem.EcPrivateKeyLabel:
                parts.AddPrivate(DerKeyReader.ReadEcPrivateKey(block.Der));
                break;
            case Pem.PublicKeyLabel:
                parts.AddPublic(DerKeyReader.ReadSubjectPublicKeyInfo(block.Der));
                break;
            case Pem.RsaPublicKeyLabel:
                parts.AddPublic(DerKeyReader.ReadRsaPublicKey(block.Der));
                break;
            case Pem.CertificateLabel:
                parts.Certificates.Add(DerKeyReader.ReadCertificate(block.Der));
                break;
            default:
                throw new PsCredRotateException(ErrorIds.PemLabelUnsupported, ErrorKind.InvalidData, $"PEM blocks labelled '{block.Label}' are not supported.", block.Label);
        }
    }

    private static RotationKey FromDer(byte[] der, KeyImportOptions options)
    {
        var parts = new KeyParts();
        try
        {
            switch (DerKeyReader.Classify(der))
            {
                case DerKind.PrivateKeyInfo:
                    parts.AddPrivate(DerKeyReader.ReadPrivateKeyInfo(der));
                    break;
                case DerKind.EncryptedPrivateKeyInfo:
                    parts.AddPrivate(ReadEncrypted(der, options));
                    break;
                case DerKind.RsaPrivateKey:
                    parts.AddPrivate(DerKeyReader.ReadRsaPrivateKey(der));
                    break;
                case DerKind.EcPrivateKey:
                    parts.AddPrivate(DerKeyReader.ReadEcPrivateKey(der));
                    break;
                case DerKind.SubjectPublicKeyInfo:
                    parts.AddPublic(DerKeyReader.ReadSubjectPublicKeyInfo(der));
                    break;
                case DerKind.RsaPublicKey:
                    parts.AddPublic(DerKeyReader.ReadRsaPublicKey(der));
                    break;
                default:
                    parts.Certificates.Add(DerKeyReader.ReadCertificate(der));
                    break;
            }

            return parts.Build(null, options);
        }
        finally
        {
            parts.DisposeUnused();
        }
    }

    private static KeyMaterial ReadEncrypted(byte[] der, KeyImportOptions options)
    {
        byte[] plain = Pkcs8Decryptor.Decrypt(der, options.Password);
        try
        {
            return DerKeyReader.ReadPrivateKeyInfo(plain);
        }
        finally
        {
            SecureStrings.Clear(plain);
        }
    }

    private static RotationKey FromJwkText(string json, KeyImportOptions options)
    {
        JwkContent content = JwkReader.Read(json);
        var parts = new KeyParts();
        try
        {
            if (content.Material.HasPrivateKey)
            {
                parts.AddPrivate(content.Material);
            }
            else
            {
                parts.AddPublic(content.Material);
            }

            if (content.Certificate is not null)
            {
                parts.Certificates.Add(content.Certificate);
            }

            return parts.Build(content.Algorithm, options);
        }
        finally
        {
            parts.DisposeUnused();
        }
    }

    private static void CheckText(string text, string parameter)
    {
        if (text is null)
        {
            throw new ArgumentNullException(parameter);
        }

        if (text.Length > MaxInputBytes)
        {
            throw TooLarge(null);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw Empty();
        }
    }

    private static PsCredRotateException Empty() => new(
        ErrorIds.KeyInputEmpty,
        ErrorKind.InvalidArgument,
        "The key input is empty. Give a PEM, DER or JWK key.");

    private static PsCredRotateException TooLarge(string? path) => new(
        ErrorIds.KeyInputTooLarge,
        ErrorKind.LimitsExceeded,
        $"The key input is larger than {MaxInputBytes / 1024} KiB; a key file is a few KiB at most. Check that {(path is null ? "the right text" : $"'{path}'")} was given.",
        path);

    private static PsCredRotateException NotFound(string path, Exception? inner) => new(
        ErrorIds.KeyFileNotFound,
        ErrorKind.ObjectNotFound,
        $"The key file '{path}' does not exist.",
        path,
        inner);
}
