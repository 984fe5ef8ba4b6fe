using System;
using System.IO;
using System.Security;
using System.Text;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.ClientSecrets;

/// <summary>
/// The -OutFile of a new client secret: checked before anything is changed on the server, then
/// written through <see cref="OwnerOnlyFile"/> (a new file created owner-only, 0600 on Unix, in one
/// step, renamed into place). The file holds the secret as UTF-8 without a line end.
/// </summary>
public static class ClientSecretFile
{
    /// <summary>
    /// The full path the secret will go to; <see cref="ErrorIds.SecretFilePathInvalid"/> when it
    /// names no file in an existing directory, <see cref="ErrorIds.SecretFileExists"/> when the
    /// file exists and <paramref name="overwrite"/> is false. Nothing is written.
    /// </summary>
    public static string CheckTarget(string path, bool overwrite)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw InvalidPath(path, "the path is empty");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or SecurityException)
        {
            throw InvalidPath(path, "it is not a valid file path");
        }

        if (Directory.Exists(full))
        {
            throw InvalidPath(path, "it is a directory");
        }

        string? directory = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(Path.GetFileName(full)))
        {
            throw InvalidPath(path, "it names no file");
        }

        if (!Directory.Exists(directory))
        {
            throw InvalidPath(path, $"the directory '{directory}' does not exist");
        }

        if (!overwrite && File.Exists(full))
        {
            throw new PsCredRotateException(
                ErrorIds.SecretFileExists,
                ErrorKind.ResourceExists,
                $"The file '{full}' already exists; it was left unchanged and the secret was not rotated. Choose another path, or allow overwriting (-Force).",
                full);
        }

        return full;
    }

    /// <summary>Writes the secret owner-only and atomically; the Keys file errors (ExportFileExists, ExportWriteFailed, …) propagate.</summary>
    internal static FileInfo Write(string fullPath, SecureString secret, bool overwrite)
    {
        return OwnerOnlyFile.WriteAtomically(fullPath, ownerOnly: true, overwrite, stream =>
        {
            char[] chars = SecureStrings.ToChars(secret);
            byte[]? bytes = null;
            try
            {
                bytes = new UTF8Encoding(false).GetBytes(chars);
                stream.Write(bytes, 0, bytes.Length);
            }
            finally
            {
                SecureStrings.Clear(chars);
                SecureStrings.Clear(bytes);
            }
        });
    }

    private static PsCredRotateException InvalidPath(string path, string reason) => new(
        ErrorIds.SecretFilePathInvalid,
        ErrorKind.InvalidArgument,
        $"The secret cannot be written to '{path}': {reason}. The secret was not rotated.",
        path);
}
