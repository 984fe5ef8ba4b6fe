using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Commands.SigningKeys;

/// <summary>Get-SigningKey: the tenant's signing keys (or the ones named by kid), filtered by state, with the certificate's NotAfter.</summary>
[Cmdlet(VerbsCommon.Get, "SigningKey")]
[OutputType(typeof(SigningKey))]
public sealed class GetSigningKeyCommand : SigningKeyCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Kid { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public SigningKeyState[]? State { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyCollection<SigningKeyState> states = State ?? new SigningKeyState[0];
        if (Kid is { Length: > 0 } kids)
        {
            foreach (string kid in kids)
            {
                if (TryAwait(ct => Manager.GetAsync(kid, states, ct), kid, out IReadOnlyList<SigningKey> one))
                {
                    WriteObject(one, enumerateCollection: true);
                }
            }

            return;
        }

        if (TryAwait(ct => Manager.GetAsync(null, states, ct), Tenant.Domain, out IReadOnlyList<SigningKey> keys))
        {
            WriteObject(keys, enumerateCollection: true);
        }
    }
}
