using System;
using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Commands.SigningKeys;

/// <summary>
/// Revoke-SigningKey: revokes a previous signing key (Auth0 allows no other). Current, next and
/// revoked keys, and keys still inside the retention period (unless -Force), are refused before any
/// write. Tokens signed with a revoked key stop validating at once: ConfirmImpact High.
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "SigningKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = KidParameterSet)]
[OutputType(typeof(SigningKey))]
public sealed class RevokeSigningKeyCommand : SigningKeyCmdlet
{
    public const string KidParameterSet = "Kid";
    public const string PreviousParameterSet = "Previous";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = KidParameterSet, HelpMessage = "The kid of the previous signing key to revoke.")]
    [ValidateNotNullOrEmpty]
    public string Kid { get; set; } = null!;

    /// <summary>Revoke every previous key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PreviousParameterSet, HelpMessage = "Revoke every previous signing key.")]
    public SwitchParameter Previous { get; set; }

    /// <summary>How long a key must have been previous before it may be revoked (default 7 days).</summary>
    [Parameter]
    public TimeSpan RetentionPeriod { get; set; } = SigningKeyPolicy.DefaultRetentionPeriod;

    /// <summary>Revoke inside the retention period.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string? kid = Previous.IsPresent ? null : Kid;
        if (TryAwait(ct => Manager.RevokeAsync(kid, RetentionPeriod, Force.IsPresent, ct), kid ?? Tenant.Domain, out IReadOnlyList<SigningKey> revoked) && PassThru.IsPresent)
        {
            WriteObject(revoked, enumerateCollection: true);
        }
    }
}
