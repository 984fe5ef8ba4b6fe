using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Auth0;

/// <summary>
/// Connect-Auth0Tenant: a Management API connection with a client secret, a private key
/// (private_key_jwt), a key file, or the AUTH0_* environment variables. Proves the credentials
/// with a first token and becomes the session default unless -NoDefault.
/// </summary>
/// <remarks>No ShouldProcess: connecting changes nothing at the tenant.</remarks>
[Cmdlet(VerbsCommunications.Connect, "Auth0Tenant", DefaultParameterSetName = EnvironmentParameterSet)]
[OutputType(typeof(Auth0Connection))]
public sealed class ConnectAuth0TenantCommand : PsCredRotateCmdlet
{
    /// <summary>Management client with a client secret (client_secret_post).</summary>
    public const string SecretParameterSet = "Secret";

    /// <summary>Management client with a private key object (private_key_jwt).</summary>
    public const string KeyParameterSet = "Key";

    /// <summary>Management client with a private key file (private_key_jwt).</summary>
    public const string KeyPathParameterSet = "KeyPath";

    /// <summary>Everything from AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_PRIVATE_KEY_PATH; given parameters win.</summary>
    public const string EnvironmentParameterSet = "Environment";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SecretParameterSet, HelpMessage = "The tenant domain, e.g. tenant.eu.auth0.com.")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeyParameterSet, HelpMessage = "The tenant domain, e.g. tenant.eu.auth0.com.")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeyPathParameterSet, HelpMessage = "The tenant domain, e.g. tenant.eu.auth0.com.")]
    [Parameter(Position = 0, ParameterSetName = EnvironmentParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Domain { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = SecretParameterSet, HelpMessage = "The management client's id.")]
    [Parameter(Mandatory = true, ParameterSetName = KeyParameterSet, HelpMessage = "The management client's id.")]
    [Parameter(Mandatory = true, ParameterSetName = KeyPathParameterSet, HelpMessage = "The management client's id.")]
    [Parameter(ParameterSetName = EnvironmentParameterSet)]
    [ValidateNotNullOrEmpty]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = SecretParameterSet, HelpMessage = "The management client's secret.")]
    [ValidateNotNull]
    public SecureString ClientSecret { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = KeyParameterSet, HelpMessage = "The management client's private key.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = KeyPathParameterSet, HelpMessage = "A PEM or JWK file with the management client's private key.")]
    [ValidateNotNullOrEmpty]
    public string KeyPath { get; set; } = null!;

    /// <summary>Password of an encrypted key file.</summary>
    [Parameter(ParameterSetName = KeyPathParameterSet)]
    public SecureString? Password { get; set; }

    /// <summary>Return the connection without making it the session default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    protected override void EndProcessing()
    {
        Auth0Connection connection = OpenConnection(
            () => Auth0Connection.Create(BuildOptions()),
            (c, ct) => c.ConnectAsync(ct),
            IsBound(nameof(Domain)) ? Domain : null);

        if (!NoDefault.IsPresent)
        {
            SessionConnections.Default = connection;
        }

        WriteVerbose($"Connected to Auth0 tenant '{connection.Domain}' as '{connection.ClientId}' ({connection.AuthenticationMethod}){(NoDefault.IsPresent ? string.Empty : "; it is the session default now")}.");
        WriteObject(connection);
    }

    private Auth0ConnectionOptions BuildOptions()
    {
        switch (ParameterSetName)
        {
            case SecretParameterSet:
                return new Auth0ConnectionOptions { Domain = Domain, ClientId = ClientId, ClientSecret = ClientSecret };
            case KeyParameterSet:
                return new Auth0ConnectionOptions { Domain = Domain, ClientId = ClientId, Key = Key };
            case KeyPathParameterSet:
                RotationKey key = KeyImporter.FromFile(ResolveFileSystemPath(KeyPath, ErrorIds.KeyFileNotFound), new KeyImportOptions { Password = Password });
                return new Auth0ConnectionOptions { Domain = Domain, ClientId = ClientId, Key = key };
            default:
                var given = new Auth0ConnectionOptions
                {
                    Domain = IsBound(nameof(Domain)) ? Domain : null,
                    ClientId = IsBound(nameof(ClientId)) ? ClientId : null,
                };
                return Auth0ConnectionOptions.FromEnvironment(given);
        }
    }
}
