using System;
using System.IO;
using System.Linq;
using System.Security;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>
/// Where a rotation's new key comes from: the key given; else the key already kept at KeyPath or in
/// the vault secret (an interrupted run's key, reused so the rerun recognises its credential by
/// kid); else a new key. A key not yet kept is written owner-only to KeyPath and stored in the
/// vault secret before its credential is uploaded. Two places holding different keys:
/// RotationKeyConflict, nothing changed.
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

    /// <summary>The vault secret the key is kept in, if any.</summary>
    public VaultKeyLocation? Vault { get; private set; }

    /// <summary>The key was read from <see cref="Vault"/>.</summary>
    public bool FromVault { get; private set; }

    /// <summary>The key must be stored in <see cref="Vault"/> before the upload.</summary>
    public bool WriteToVault { get; private set; }

    private IKeyVaultStore? Store { get; set; }

    private KeyCustodyDetails? Details { get; set; }

    private SecureString? Password { get; }

    /// <summary>The key was read from where an earlier run kept it (file or vault).</summary>
    private bool FromKept => FromFile || FromVault;

    public static RotationKeySource Resolve(RotationStartOptions options)
    {
        VaultKeyLocation? location = options.VaultLocation;
        IKeyVaultStore? store = location is null ? null : options.KeyVault ?? throw new ArgumentException("A vault location needs a vault store.", nameof(options));
        RotationKey? inVault = location is null ? null : KeyCustody.TryLoad(store!, location, options.KeyPassword, KeyAlgorithms.KeyTypeOf(options.Generate.Algorithm) == KeyType.RSA ? options.Generate.Algorithm : null);
        RotationKeySource source;
        try
        {
            source = ResolveFileOrGiven(options, inVault, location);
        }
        catch
        {
            inVault?.Dispose();
            throw;
        }

        source.Vault = location;
        source.Store = store;
        source.FromVault = inVault is not null && ReferenceEquals(source.Key, inVault);
        source.WriteToVault = location is not null && inVault is null;
        source.Details = new KeyCustodyDetails { Provider = options.CustodyProvider, ClientId = options.ClientId, ExpiresAt = options.ExpiresAt };
        if (inVault is not null && !source.FromVault)
        {
            inVault.Dispose();
        }

        return source;
    }

    private static RotationKeySource ResolveFileOrGiven(RotationStartOptions options, RotationKey? inVault, VaultKeyLocation? location)
    {
        string? path = string.IsNullOrWhiteSpace(options.KeyPath) ? null : options.KeyPath;
        bool exists = path is not null && File.Exists(path);
        if (options.Key is { } given)
        {
            RotationGuards.EnsurePrivateKey(given);
            if (inVault is not null && inVault.Kid != given.Kid)
            {
                throw VaultConflict(location!, inVault.Kid, $"the given key {given.Kid}", "Give a -SecretName that does not exist yet, or leave out -Key to resume with the key in the vault.");
            }

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
            if (inVault is not null)
            {
                if (inVault.Kid != fromFile.Kid)
                {
                    string fileKid = fromFile.Kid;
                    fromFile.Dispose();
                    throw VaultConflict(location!, inVault.Kid, $"key {fileKid} in the file '{path}'", "Give a -SecretName or a -KeyPath that does not exist yet.");
                }

                // Both hold the rerun's key: the vault's copy (it carries the algorithm) is the one used.
                fromFile.Dispose();
                return new RotationKeySource(inVault, path, fromFile: true, writeToFile: false, options.KeyPassword);
            }

            return new RotationKeySource(fromFile, path, fromFile: true, writeToFile: false, options.KeyPassword);
        }

        if (inVault is not null)
        {
            return new RotationKeySource(inVault, path, fromFile: false, writeToFile: path is not null, options.KeyPassword);
        }

        RotationKey generated = KeyGenerator.Generate(options.Generate);
        return new RotationKeySource(generated, path, fromFile: false, writeToFile: path is not null, options.KeyPassword);
    }

    private static PsCredRotateException VaultConflict(VaultKeyLocation location, string vaultKid, string other, string advice) => new(
        ErrorIds.RotationKeyConflict,
        ErrorKind.InvalidArgument,
        $"The {location} holds key {vaultKid}, not {other}. {advice}",
        location.ToString());

    /// <summary>
    /// A key read from KeyPath that the client already uses (attached, not the newest attached
    /// credential, and not a rotation's new credential whose predecessors are still stored) is the
    /// application's current key, not a rotation's new one. With <paramref name="retiredMayStayDetached"/>
    /// (Invoke -KeepPrevious) detached predecessors are what a finished rotation leaves, so only
    /// attached ones mean "in progress".
    /// </summary>
    public void CheckAgainst(ClientCredentialState state, bool retiredMayStayDetached)
    {
        if (!FromKept || state.FindByKid(Key.Kid) is not { Attached: true } credential)
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
            if (FromVault && !FromFile)
            {
                throw new PsCredRotateException(
                    ErrorIds.SecretNameHoldsCurrentKey,
                    ErrorKind.InvalidArgument,
                    $"The {Vault} holds key {Key.Kid}, which client '{state.ClientId}' already uses. Give a -SecretName for the new key that does not exist yet.",
                    Vault!.ToString());
            }

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

    /// <summary>The ShouldProcess action for <see cref="WriteVault"/>.</summary>
    public string VaultAction => $"Store the new private key {Key.Kid} ({Key.Algorithm}) as a secret, with its kid, algorithm and expiry as metadata";

    /// <summary>Stores the key in the vault secret (which did not exist when the run resolved its key).</summary>
    public void WriteVault()
    {
        KeyCustody.Store(Store!, Vault!, Key, Details, Password, overwrite: false);
    }

    private static RotationKey Import(string path, RotationStartOptions options) =>
        KeyImporter.FromFile(path, new KeyImportOptions { Password = options.KeyPassword });
}
