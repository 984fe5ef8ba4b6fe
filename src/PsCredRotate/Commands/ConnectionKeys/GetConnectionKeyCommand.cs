using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.ConnectionKeys;

namespace PsCredRotate.Commands.ConnectionKeys;

/// <summary>
/// Get-ConnectionKey: the keys an oidc/okta connection signs its private_key_jwt assertions to the
/// upstream IdP with (current, next, previous), with their certificates' expiry. Public material only.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ConnectionKey")]
[OutputType(typeof(ConnectionKey))]
public sealed class GetConnectionKeyCommand : ConnectionKeyCmdlet
{
    private ItemProgress? _progress;

    private ItemProgress Progress => _progress ??= new ItemProgress(this, "Reading connection keys");

    protected override void ProcessRecord()
    {
        Progress.Next($"connection '{ConnectionId}'");
        if (TryAwait(ct => Manager.GetAsync(ConnectionId, ct), ConnectionId, out IReadOnlyList<ConnectionKey> keys))
        {
            WriteObject(keys, enumerateCollection: true);
        }
    }

    protected override void EndProcessing()
    {
        Progress.Complete();
        base.EndProcessing();
    }
}
