using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Credentials;

/// <summary>
/// Test-ClientCredential: signs an assertion with the key and asks the token endpoint for a real
/// access token. Reports the facts (success, kid, expiry, the provider's error); the issued token
/// itself never reaches any stream.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ClientCredential")]
[OutputType(typeof(ClientCredentialTestResult))]
public sealed class TestClientCredentialCommand : ClientCredentialCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string ClientId { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, HelpMessage = "The private key to sign the assertion with.")]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    /// <summary>The API to request access to; default: the provider's choice for the client.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Audience { get; set; }

    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Testing client credentials");

    protected override void ProcessRecord()
    {
        Progress.Next($"client '{ClientId}', kid '{Key.Kid}'");
        if (TryAwait(ct => Manager.TestAsync(ClientId, Key, Audience, ct), ClientId, out ClientCredentialTestResult result))
        {
            WriteVerbose(result.Success
                ? $"Client '{result.ClientId}' signed in with kid '{result.Kid}'."
                : $"Client '{result.ClientId}' was refused with kid '{result.Kid}': {result.Error} (HTTP {result.StatusCode}).");
            WriteObject(result);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
