using System;
using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Keys;

/// <summary>
/// New-ClientAssertion: signs an RFC 7523 private_key_jwt client assertion with a rotation key.
/// </summary>
/// <remarks>
/// No SupportsShouldProcess: signing changes nothing outside the process. The signed token is a
/// credential, so by default the output is a <see cref="ClientAssertion"/> whose formatting and
/// serialization never show it; -AsPlainText writes the compact JWS string instead.
/// </remarks>
[Cmdlet(VerbsCommon.New, "ClientAssertion")]
[OutputType(typeof(ClientAssertion), typeof(string))]
public sealed class NewClientAssertionCommand : PsCredRotateCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>The client id: the assertion's iss and sub.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    /// <summary>The assertion's aud: for Auth0 the tenant URL with a trailing slash (https://TENANT/).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Audience { get; set; } = null!;

    /// <summary>Time from iat to exp; default 60 seconds, at most 5 minutes.</summary>
    [Parameter]
    public TimeSpan Lifetime { get; set; } = ClientAssertionFactory.DefaultLifetime;

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecord()
    {
        ClientAssertion assertion;
        try
        {
            assertion = ClientAssertionFactory.Create(Key, ClientId, Audience, Lifetime);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        WriteVerbose($"Signed a client assertion for '{assertion.ClientId}' with key '{assertion.Kid}' ({assertion.Algorithm}), expiring {assertion.ExpiresAt:u}.");
        if (AsPlainText.IsPresent)
        {
            WriteObject(assertion.RevealCompactSerialization());
        }
        else
        {
            WriteObject(assertion);
        }
    }
}
