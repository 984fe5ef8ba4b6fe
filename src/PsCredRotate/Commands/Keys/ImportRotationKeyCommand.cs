using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;
using PsCredRotate.Custody;

namespace PsCredRotate.Commands.Keys;

/// <summary>
/// Import-RotationKey: reads a key (and its certificate) from a file, PEM text, a JWK, or a
/// SecretManagement vault secret (-Vault -SecretName; the Algorithm metadata is used unless
/// -Algorithm is given). Reads only, so no ShouldProcess.
/// </summary>
[Cmdlet(VerbsData.Import, "RotationKey", DefaultParameterSetName = PemParameterSet)]
[OutputType(typeof(RotationKey))]
public sealed class ImportRotationKeyCommand : PsCredRotateCmdlet
{
    /// <summary>A key file (PEM, DER or JWK), taken literally: no wildcards.</summary>
    public const string PathParameterSet = "Path";

    /// <summary>PEM text.</summary>
    public const string PemParameterSet = "Pem";

    /// <summary>A JWK or a JWK Set holding one key, as JSON text.</summary>
    public const string JwkParameterSet = "Jwk";

    /// <summary>A private key kept in a SecretManagement vault.</summary>
    public const string VaultParameterSet = "Vault";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = PemParameterSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Pem { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = JwkParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Jwk { get; set; } = null!;

    /// <summary>The registered SecretManagement vault that holds the key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VaultParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Vault { get; set; } = null!;

    /// <summary>The name of the secret that holds the key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VaultParameterSet)]
    [ValidateNotNullOrEmpty]
    public string SecretName { get; set; } = null!;

    /// <summary>Password of an encrypted PKCS#8 key.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>The algorithm the key will sign with; by default RS256, ES256/384/512 by curve, or EdDSA.</summary>
    [Parameter]
    public KeyAlgorithm Algorithm { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var options = new KeyImportOptions
        {
            Password = Password,
            Algorithm = IsBound(nameof(Algorithm)) ? Algorithm : null,
            Name = Name,
        };

        RotationKey key;
        try
        {
            key = ParameterSetName switch
            {
                PemParameterSet => KeyImporter.FromPem(Pem, options),
                JwkParameterSet => KeyImporter.FromJwk(Jwk, options),
                VaultParameterSet => FromVault(options),
                _ => KeyImporter.FromFile(ResolveFileSystemPath(Path, ErrorIds.KeyFileNotFound), options),
            };
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        if (ParameterSetName == VaultParameterSet)
        {
            WriteVerbose($"Read key '{key.Kid}' from vault '{Vault}', secret '{SecretName}'.");
        }

        WriteVerbose($"Imported a {key.Algorithm} {(key.HasPrivateKey ? "private" : "public")} key, kid '{key.Kid}'{(key.CertificateThumbprint is null ? string.Empty : $", with certificate {key.CertificateThumbprint}")}.");
        WriteObject(key);
    }

    private RotationKey FromVault(KeyImportOptions options)
    {
        VaultKeyLocation location = VaultParameters.Resolve(this, Vault, SecretName)!;
        return KeyCustody.Load(new SecretManagementVault(this, Dispatcher), location, options.Password, options.Algorithm, options.Name);
    }
}
