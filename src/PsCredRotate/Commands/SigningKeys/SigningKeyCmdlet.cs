using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Commands.SigningKeys;

/// <summary>A signing-key cmdlet: the Auth0 connection resolved in BeginProcessing (NotConnected is terminating) and the Core manager asking this cmdlet.</summary>
public abstract class SigningKeyCmdlet : Auth0ConnectedCmdlet
{
    private SigningKeyManager? _manager;

    protected Auth0Connection Tenant { get; private set; } = null!;

    protected SigningKeyManager Manager => _manager ?? throw new System.InvalidOperationException("BeginProcessing has not run.");

    protected override void BeginProcessing()
    {
        try
        {
            Tenant = ResolveConnection();
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        _manager = new SigningKeyManager(Tenant.Management, RotationHost);
    }
}
