using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Connect-DfnsOrganization: a Dfns API connection with a service-account or personal-access-token
/// token and the Key credential (credId and private key) that signs user actions. It checks, with
/// GET /auth/credentials, that the credential exists, is active and holds the key, and becomes the
/// session default unless -NoDefault. The token is never shown.
/// </summary>
/// <remarks>No ShouldProcess: connecting changes nothing at Dfns.</remarks>
[Cmdlet(VerbsCommunications.Connect, "DfnsOrganization", DefaultParameterSetName = KeyParameterSet)]
[OutputType(typeof(DfnsConnection))]
public sealed class ConnectDfnsOrganizationCommand : PsCredRotateCmdlet
{
    /// <summary>The credential's private key as an object.</summary>
    public const string KeyParameterSet = "Key";

    /// <summary>The credential's private key in a PEM or JWK file.</summary>
    public const string KeyPathParameterSet = "KeyPath";

    [Parameter(Mandatory = true, HelpMessage = "The service account's or personal access token's token.")]
    [ValidateNotNull]
    public SecureString Token { get; set; } = null!;

    [Parameter(Mandatory = true, HelpMessage = "The credId of the Key credential whose private key is given.")]
    [ValidateNotNullOrEmpty]
    public string CredentialId { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = KeyParameterSet, HelpMessage = "The credential's private key.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = KeyPathParameterSet, HelpMessage = "A PEM or JWK file with the credential's private key.")]
    [ValidateNotNullOrEmpty]
    public string KeyPath { get; set; } = null!;

    /// <summary>Password of an encrypted key file.</summary>
    [Parameter(ParameterSetName = KeyPathParameterSet)]
    public SecureString? Password { get; set; }

    /// <summary>The API root (default https://api.dfns.io; plain http only on loopback).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string BaseUri { get; set; } = DfnsConnectionOptions.DefaultBaseUri;

    /// <summary>Sent as X-DFNS-APPID (older API generations required it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AppId { get; set; }

    /// <summary>Return the connection without making it the session default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    protected override void EndProcessing()
    {
        DfnsConnection connection = OpenConnection(
            () => DfnsConnection.Create(new DfnsConnectionOptions
            {
                BaseUri = BaseUri,
                Token = Token,
                CredentialId = CredentialId,
                Key = ParameterSetName == KeyPathParameterSet
                    ? KeyImporter.FromFile(ResolveFileSystemPath(KeyPath, ErrorIds.KeyFileNotFound), new KeyImportOptions { Password = Password })
                    : Key,
                AppId = AppId,
            }),
            (c, ct) => c.ConnectAsync(ct),
            CredentialId);

        if (!NoDefault.IsPresent)
        {
            SessionConnections.DefaultDfns = connection;
        }

        WriteVerbose($"Connected to Dfns {connection.BaseUri.Authority} with credential '{connection.CredentialId}' ({connection.Algorithm}){(NoDefault.IsPresent ? string.Empty : "; it is the session default now")}.");
        WriteObject(connection);
    }
}
