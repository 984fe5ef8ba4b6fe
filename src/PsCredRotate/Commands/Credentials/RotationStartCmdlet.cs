using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Custody;

namespace PsCredRotate.Commands.Credentials;

/// <summary>The parameters of Start-ClientCredentialRotation, shared with Invoke-ClientCredentialRotation.</summary>
public abstract class RotationStartCmdlet : BulkRotationCmdlet
{
    /// <summary>Generate the new key (-Algorithm, -KeySize).</summary>
    public const string GenerateParameterSet = "Generate";

    /// <summary>Rotate to a given key (-Key).</summary>
    public const string KeyParameterSet = "Key";

    private readonly List<string> _clientIds = new();
    private string? _keyPath;
    private VaultKeyLocation? _vaultLocation;
    private IKeyVaultStore? _vault;
    private DateTimeOffset? _expiresAt;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) ids.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string[] ClientId { get; set; } = null!;

    /// <summary>The new key, with its private half.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeyParameterSet, HelpMessage = "The new private key.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>
    /// Algorithm of the generated key: the union of what the providers accept (Auth0: RS256, RS384,
    /// PS256; an RFC 7592 registration: RS256, PS256, ES256, EdDSA). The connection's provider
    /// policy refuses the others with CredentialAlgorithmUnsupported before any call.
    /// </summary>
    [Parameter(ParameterSetName = GenerateParameterSet)]
    [ValidateSet("RS256", "RS384", "PS256", "ES256", "EdDSA")]
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.RS256;

    /// <summary>RSA modulus size of the generated key (default 2048).</summary>
    [Parameter(ParameterSetName = GenerateParameterSet)]
    public int KeySize { get; set; }

    /// <summary>Expiry of the new credential. Exclusive with -ExpiresIn.</summary>
    [Parameter]
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Expiry of the new credential, from now. Exclusive with -ExpiresAt.</summary>
    [Parameter]
    public TimeSpan ExpiresIn { get; set; }

    /// <summary>Where to write the new private key (owner-only) before it is uploaded; reused on a rerun. One client only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    /// <summary>Encrypts the -KeyPath file and the -SecretName secret.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>The SecretManagement vault that keeps the new private key (with -SecretName).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Vault { get; set; }

    /// <summary>The vault secret the new private key is stored in before it is uploaded; reused on a rerun. One client only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretName { get; set; }

    /// <summary>Name of the new credential record.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Kids or ids of attached credentials to retire when both slots are taken.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Retire { get; set; }

    /// <summary>Delete detached credentials when the client's pool is full.</summary>
    [Parameter]
    public SwitchParameter PruneDetached { get; set; }

    /// <summary>Allow moving a client off its client secret (breaks callers still using it; then asks a High-impact question, which -Confirm:$false answers).</summary>
    [Parameter]
    public SwitchParameter AllowAuthenticationMethodSwitch { get; set; }

    /// <summary>The API the verification token is requested for.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Audience { get; set; }

    /// <summary>The client ids collected from the command line and the pipeline.</summary>
    protected IReadOnlyList<string> ClientIds => _clientIds;

    protected override void ProcessRecord() => _clientIds.AddRange(ClientId);

    /// <summary>
    /// Resolves what needs the pipeline thread (the -KeyPath file system path, the -ExpiresIn
    /// instant) once, before the clients run on workers. Both expiry parameters together:
    /// CredentialExpiryConflict. One -KeyPath file or -SecretName for several clients:
    /// RotationKeyConflict (they would share one private key, or race for the file). -Vault without
    /// SecretManagement: SecretManagementNotInstalled, before any call to the server.
    /// </summary>
    protected void PrepareStartOptions()
    {
        try
        {
            _vaultLocation = VaultParameters.Resolve(this, Vault, SecretName);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }

        if (_vaultLocation is not null)
        {
            _vault = new SecretManagementVault(this, Dispatcher);
            if (_clientIds.Count > 1)
            {
                ThrowTerminatingError(new PsCredRotateException(
                    ErrorIds.RotationKeyConflict,
                    ErrorKind.InvalidArgument,
                    $"-SecretName names one vault secret, so it takes one client; {_clientIds.Count} clients were given. Rotate them one at a time with -SecretName, or leave it out and deploy each rotation's NewKey.",
                    _vaultLocation.ToString()));
            }
        }

        if (KeyPath is not null && _clientIds.Count > 1)
        {
            ThrowTerminatingError(new PsCredRotateException(
                ErrorIds.RotationKeyConflict,
                ErrorKind.InvalidArgument,
                $"-KeyPath names one key file, so it takes one client; {_clientIds.Count} clients were given. Rotate them one at a time with -KeyPath, or leave it out and deploy each rotation's NewKey.",
                KeyPath));
        }

        if (IsBound(nameof(ExpiresAt)) && IsBound(nameof(ExpiresIn)))
        {
            ThrowTerminatingError(new PsCredRotateException(
                ErrorIds.CredentialExpiryConflict,
                ErrorKind.InvalidArgument,
                "Give -ExpiresAt or -ExpiresIn, not both."));
        }

        _expiresAt = IsBound(nameof(ExpiresAt)) ? ExpiresAt : IsBound(nameof(ExpiresIn)) ? DateTimeOffset.UtcNow + ExpiresIn : null;
        try
        {
            _keyPath = KeyPath is null ? null : ResolveFileSystemPath(KeyPath, ErrorIds.ExportPathInvalid);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }
    }

    /// <summary>What to ask the engine for one client (safe on any thread once <see cref="PrepareStartOptions"/> ran).</summary>
    protected RotationStartOptions StartOptionsFor(string clientId) => new(clientId)
    {
        Key = ParameterSetName == KeyParameterSet ? Key : null,
        Generate = new KeyGenerationOptions
        {
            Algorithm = Algorithm,
            KeySize = IsBound(nameof(KeySize)) ? KeySize : null,
        },
        ExpiresAt = _expiresAt,
        CredentialName = Name,
        Retire = Retire ?? Array.Empty<string>(),
        PruneDetached = PruneDetached.IsPresent,
        AllowAuthenticationMethodSwitch = AllowAuthenticationMethodSwitch.IsPresent,
        Audience = Audience,
        KeyPath = _keyPath,
        KeyPassword = Password,
        VaultLocation = _vaultLocation,
        KeyVault = _vault,
    };
}
