using System;
using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Oidc;

namespace PsCredRotate.Commands.Oidc;

/// <summary>
/// Connect-OidcClientRegistration: a connection to one client's RFC 7592 client configuration
/// endpoint (its registration_client_uri and registration access token). Reads the client (proving
/// the token) and the provider's discovery document (the token endpoint verification uses), then
/// becomes the session default unless -NoDefault, so the generic client credential cmdlets rotate
/// the keys of the client's jwks.
/// </summary>
/// <remarks>No ShouldProcess: connecting changes nothing at the provider.</remarks>
[Cmdlet(VerbsCommunications.Connect, "OidcClientRegistration")]
[OutputType(typeof(OidcConnection))]
public sealed class ConnectOidcClientRegistrationCommand : PsCredRotateCmdlet
{
    [Parameter(Mandatory = true, Position = 0, HelpMessage = "The client's registration_client_uri (RFC 7592).")]
    [ValidateNotNull]
    public Uri RegistrationClientUri { get; set; } = null!;

    [Parameter(Mandatory = true, HelpMessage = "The client's registration_access_token.")]
    [ValidateNotNull]
    public SecureString RegistrationAccessToken { get; set; } = null!;

    /// <summary>The issuer whose discovery document names the token endpoint; default the registration URI's origin.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Issuer { get; set; }

    /// <summary>Return the connection without making it the session default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    protected override void EndProcessing()
    {
        OidcConnection connection = OpenConnection(
            () => OidcConnection.Create(new OidcConnectionOptions
            {
                RegistrationClientUri = RegistrationClientUri,
                RegistrationAccessToken = RegistrationAccessToken,
                Issuer = Issuer,
            }),
            (c, ct) => c.ConnectAsync(ct),
            RegistrationClientUri);

        if (!NoDefault.IsPresent)
        {
            SessionConnections.Default = connection;
        }

        WriteVerbose($"Connected to the registration of client '{connection.ClientId}' ({connection.RegistrationClientUri}); keys are verified at {connection.TokenEndpoint}{(NoDefault.IsPresent ? string.Empty : "; it is the session default now")}.");
        WriteObject(connection);
    }
}
