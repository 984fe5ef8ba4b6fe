using System;
using System.Management.Automation;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Commands.SigningKeys;

/// <summary>
/// Invoke-SigningKeyRotation: one run of the signing-key lifecycle policy (rotate when due and the
/// next key is propagated, revoke previous keys past retention), safe to schedule; it returns what
/// it did and why, or why it did nothing. ConfirmImpact High: a scheduled run passes -Confirm:$false.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SigningKeyRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SigningKeyRotationResult))]
public sealed class InvokeSigningKeyRotationCommand : SigningKeyCmdlet
{
    /// <summary>Do nothing while the current key is younger than this.</summary>
    [Parameter]
    public TimeSpan RotateAfter { get; set; }

    /// <summary>Do nothing until the next key has been published this long.</summary>
    [Parameter]
    public TimeSpan PropagationTime { get; set; }

    /// <summary>With -RevokePrevious: how long a key stays previous before it is revoked (default 7 days).</summary>
    [Parameter]
    public TimeSpan RetentionPeriod { get; set; } = SigningKeyPolicy.DefaultRetentionPeriod;

    [Parameter]
    public SwitchParameter RevokePrevious { get; set; }

    /// <summary>JWKS endpoints (besides the tenant's own) that must serve the next key before, and the new current key after, a rotation.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Uri[]? VerifyJwksUri { get; set; }

    protected override void ProcessRecord()
    {
        var policy = new SigningKeyPolicy
        {
            RotateAfter = IsBound(nameof(RotateAfter)) ? RotateAfter : null,
            PropagationTime = IsBound(nameof(PropagationTime)) ? PropagationTime : null,
            RetentionPeriod = RetentionPeriod,
            RevokePrevious = RevokePrevious.IsPresent,
        };
        Uri[] verify = VerifyJwksUri ?? new Uri[0];
        if (TryAwait(ct => Manager.InvokeAsync(policy, verify.Length > 0, verify, ct), Tenant.Domain, out SigningKeyRotationResult? result) && result is not null)
        {
            WriteObject(result);
        }
    }
}
