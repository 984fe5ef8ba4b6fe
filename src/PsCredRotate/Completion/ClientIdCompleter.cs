using System.Collections.Generic;
using PsCredRotate.Core.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Completion;

/// <summary>
/// Completes -ClientId from the connected tenant's clients (the -Connection on the command line,
/// else the session default): an Auth0 tenant's client ids with the client's name as tooltip, an
/// OpenID client registration's one client id. Read at most once a minute per connection; a failed
/// read (no connection, no read:clients scope, a tenant that does not answer) completes nothing.
/// </summary>
public sealed class ClientIdCompleter : ConnectionCompleter
{
    protected override IReadOnlyList<CompletionCandidate> Candidates(IClientCredentialConnection? connection, CompletionCache cache) =>
        CompletionSources.ClientIds(connection, cache);
}
