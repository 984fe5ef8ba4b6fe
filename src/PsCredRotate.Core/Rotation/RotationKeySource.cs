using System;
using System.IO;
using System.Linq;
using System.Security;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// Where a rotation's new key comes from: the key given; else the file at KeyPath when it exists
/// (an interrupted run's key, reused so the rerun recognises its credential by kid); else a new
/// key, written owner-only to KeyPath before its credential is uploaded.
/// </summary>
internal sealed class RotationKeySource
{
    private RotationKeySource(RotationKey key, string? path, bool fromFile, bool writeToFile, SecureString? password)
    {
        Key = key;
        Path = path;
        FromFile = fromFile;
        WriteToFile = writeToFile;
        Password = password;
    }

    public RotationKey Key { get; }

    public string? Path { get; }

    /// <summary>The key was read from <see cref="Path"/> (a rerun, or a key the user put there).</summary>
    public bool FromFile { get; }

    /// <summary>The key must be written to <see cref="Path"/> before the upload.</summary>
    public bool WriteToFile { get; }

    private SecureString? Password { get; }

    public static RotationKeySource Resolve(RotationStartOptions options)
    {
        string? path = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        bool exists = path is not null && File.Exists(path);
        if (options.Key is { } given)
        {
            RotationGuards.EnsurePrivateKey(given);
            if (exists)
            {
                using RotationKey onDisk = Import(path!, options);
                if (onDisk.Kid != given.Kid)
                {
                    throw new PsCredRotateException(
                        ErrorIds.RotationKeyConflict,
                        ErrorKind.InvalidArgument,
                        $"The file '{path}' holds key {onDisk.Kid}, not the given key {given.Kid}. Give a -KeyPath that does not exist yet, or leave out -Key to resume with the key in the file.",
                        path);
                }
            }

            return new RotationKeySource(given, path, fromFile: false, writeToFile: path is not null && !exists, options.KeyPassword);
        }

        if (exists)
        {
            RotationKey fromFile = Import(path!, options);
            KeyAlgorithm wanted = options.Generate.Algorithm;
            if (fromFile.KeyType == KeyType.RSA && KeyAlgorithms.KeyTypeOf(wanted) == KeyType.RSA && fromFile.Algorithm != wanted)
            {
                // PEM carries no algorithm: an RSA key written by an earlier run signs as that run asked.
                fromFile = new RotationKey(fromFile.Material, wanted, fromFile.Name, fromFile.CertificateInfo, fromFile.CreatedAt);
            }

            RotationGuards.EnsurePrivateKey(fromFile);
            return new RotationKeySource(fromFile, path, fromFile: true, writeToFile: false, options.KeyPassword);
        }

        RotationKey generated = KeyGenerator.Generate(options.Generate);
        return new RotationKeySource(generated, path, fromFile: false, writeToFile: path is not null, options.KeyPassword);
    }

    /// <summary>
    /// A key read from KeyPath that the client already uses (attached, not the newest attached
    /// credential, and not a rotation's new credential whose predecessors are still stored) is the
    /// application's current key, not a rotation's new one. With <paramref name="retiredMayStayDetached"/>
    /// (Invoke -KeepPrevious) detached predecessors are what a finished rotation leaves, so only
    /// attached ones mean "in progress".
    /// </summary>
    public void CheckAgainst(ClientCredentialState state, bool retiredMayStayDetached)
    {
        if (!FromFile || state.FindByKid(Key.Kid) is not { Attached: true } credential)
        {
            return;
        }

        var others = state.Attached.Where(c => c.Id != credential.Id).ToList();
        bool isNewest = others.Count > 0 && others.All(o => o.CreatedAt is { } oc && credential.CreatedAt is { } cc && oc < cc);
        if (!isNewest && others.Count > 0 && credential.CreatedAt is null && others.All(o => o.CreatedAt is null))
        {
            // No creation times (an RFC 7592 jwks): the server's order says it, a rotation appends its key.
            isNewest = state.AttachedIds[state.AttachedIds.Count - 1] == credential.Id;
        }
        bool predecessorsLeft = RotationPlanner.Predecessors(state, credential).Any(p => p.Attached || !retiredMayStayDetached);
        if (!isNewest && !predecessorsLeft)
        {
            throw new PsCredRotateException(
                ErrorIds.KeyPathHoldsCurrentKey,
                ErrorKind.InvalidArgument,
                $"The file '{Path}' holds key {Key.Kid}, which client '{state.ClientId}' already uses. Give a -KeyPath for the new key that does not exist yet.",
                Path);
        }
    }

    public void Write()
    {
        KeyExporter.ExportToFile(Key, Path!, KeyExportFormat.Pem, publicOnly: false, Password, overwrite: false);
    }

    private static RotationKey Import(string path, RotationStartOptions options) =>
        KeyImporter.FromFile(path, new KeyImportOptions { Password = options.KeyPassword });
}
