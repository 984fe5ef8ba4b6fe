using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Commands.SigningKeys;

/// <summary>A signing-key cmdlet: the Auth0 connection resolved in BeginProcessing (NotConnected is terminating) and the Core manager asking this cmdlet.</summary>
public abstract class SigningKeyCmdlet : Auth0ConnectedCmdlet
{
    private SigningKeyManager? _manager;

    protected SigningKeyManager Manager => _manager ?? throw new System.InvalidOperationException("BeginProcessing has not run.");

    protected override void OnConnected(Auth0Connection tenant) => _manager = new SigningKeyManager(tenant.Management, RotationHost);
}
