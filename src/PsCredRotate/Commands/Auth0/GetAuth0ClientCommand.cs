using System.Collections.Generic;
using System.Management.Automation;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands.Auth0;

/// <summary>
/// Get-Auth0Client: the tenant's applications (every page), or the ones named by -ClientId,
/// filtered by name wildcard, app type and authentication method. Never the client secret.
/// </summary>
[Cmdlet(VerbsCommon.Get, "Auth0Client")]
[OutputType(typeof(Auth0Client))]
public sealed class GetAuth0ClientCommand : Auth0ConnectedCmdlet
{
    private const int ProgressActivityId = 1;

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string[]? ClientId { get; set; }

    /// <summary>A name pattern with * and ?.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Auth0 app types to keep: non_interactive, regular_web, spa, native, ...</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? AppType { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public ClientAuthenticationMethod[]? AuthenticationMethod { get; set; }


    protected override void ProcessRecord()
    {
        if (ClientId is { Length: > 0 } ids)
        {
            foreach (string id in ids)
            {
                if (TryAwait(ct => Tenant.Management.GetClientAsync(id, ct), id, out Auth0Client client))
                {
                    WriteObject(client);
                }
            }

            return;
        }

        var query = new Auth0ClientQuery
        {
            NamePattern = Name,
            AppTypes = AppType ?? new string[0],
            AuthenticationMethods = AuthenticationMethod ?? new ClientAuthenticationMethod[0],
        };
        var progress = new PostedProgress<int>(Dispatcher, read => WriteProgress(new ProgressRecord(ProgressActivityId, "Reading Auth0 clients", $"{read} read")));
        if (TryAwait(ct => Tenant.Management.ListClientsAsync(query, progress, ct), Tenant.Domain, out IReadOnlyList<Auth0Client> clients))
        {
            WriteProgress(new ProgressRecord(ProgressActivityId, "Reading Auth0 clients", $"{clients.Count} read") { RecordType = ProgressRecordType.Completed });
            WriteObject(clients, enumerateCollection: true);
        }
    }
}
