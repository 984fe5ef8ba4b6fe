using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns;

namespace PsCredRotate.Commands.Dfns;

/// <summary>
/// Get-DfnsCredential: the credentials of the connection's user (GET /auth/credentials), all or
/// those named by -CredentialUuid (also by property name from the pipeline), optionally of one
/// -Kind. The credential the connection signs with has IsCurrent set.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DfnsCredential")]
[OutputType(typeof(DfnsCredential))]
public sealed class GetDfnsCredentialCommand : DfnsConnectedCmdlet
{
    private IReadOnlyList<DfnsCredential>? _all;

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The credential uuids (cr-…); default: all.")]
    [ValidateNotNullOrEmpty]
    public string[]? CredentialUuid { get; set; }

    /// <summary>Only credentials of this kind (Key, Fido2, PasswordProtectedKey, RecoveryKey, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kind { get; set; }

    protected override void ProcessRecord()
    {
        if (_all is null && !TryAwait(ct => Dfns.Credentials.ListAsync(ct), Dfns.BaseUri.Authority, out _all))
        {
            return;
        }

        IEnumerable<DfnsCredential> selected = _all!;
        if (Kind is not null)
        {
            selected = selected.Where(c => string.Equals(c.Kind, Kind, StringComparison.OrdinalIgnoreCase));
        }

        if (CredentialUuid is null)
        {
            WriteObject(selected.ToList(), enumerateCollection: true);
            return;
        }

        var list = selected.ToList();
        foreach (string uuid in CredentialUuid)
        {
            DfnsCredential? found = list.FirstOrDefault(c => string.Equals(c.CredentialUuid, uuid.Trim(), StringComparison.Ordinal));
            if (found is null)
            {
                WriteError(new PsCredRotateException(
                    ErrorIds.DfnsCredentialNotFound,
                    ErrorKind.ObjectNotFound,
                    $"The user has no credential '{uuid}'{(Kind is null ? string.Empty : " of kind " + Kind)}.",
                    uuid));
                continue;
            }

            WriteObject(found);
        }
    }
}
