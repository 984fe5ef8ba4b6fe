using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ConnectionKeys;

namespace PsCredRotate.Commands.ConnectionKeys;

/// <summary>The connection-key cmdlets: -ConnectionId (by property name) and the manager on the resolved tenant.</summary>
public abstract class ConnectionKeyCmdlet : Auth0ConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The Auth0 connection id (con_...).")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectionIdCompleter))]
    public string ConnectionId { get; set; } = null!;

    /// <summary>Connection keys against the resolved tenant, asking this cmdlet (set in BeginProcessing).</summary>
    protected ConnectionKeyManager Manager { get; private set; } = null!;

    protected override void OnConnected(Auth0Connection tenant) => Manager = new ConnectionKeyManager(tenant, RotationHost);
}
