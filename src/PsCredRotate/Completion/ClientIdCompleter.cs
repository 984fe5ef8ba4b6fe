using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCredRotate.Core.Completion;

namespace PsCredRotate.Completion;

/// <summary>
/// Completes -ClientId from the connected tenant's clients (the -Connection on the command line,
/// else the session default): an Auth0 tenant's client ids with the client's name as tooltip, an
/// OpenID client registration's one client id. Read at most once a minute per connection; a failed
/// read (no connection, no read:clients scope, a tenant that does not answer) completes nothing.
/// </summary>
public sealed class ClientIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CandidateCompletions.For(CompletionSources.ClientIds(CompletionConnection.Resolve(fakeBoundParameters), CompletionCache.Shared), wordToComplete);
        }
#pragma warning disable CA1031 // A completer must never throw: any failure completes nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }
}
