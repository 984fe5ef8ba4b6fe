using System.Collections.Generic;
using PsCredRotate.Core.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Completion;

/// <summary>
/// Completes -ConnectionId from the connected Auth0 tenant's oidc and okta connections (the ones
/// that have connection keys), with the connection's name and strategy as tooltip. Read at most
/// once a minute per tenant; a failed read completes nothing.
/// </summary>
public sealed class ConnectionIdCompleter : ConnectionCompleter
{
    protected override IReadOnlyList<CompletionCandidate> Candidates(IClientCredentialConnection? connection, CompletionCache cache) =>
        CompletionSources.ConnectionIds(connection, cache);
}
