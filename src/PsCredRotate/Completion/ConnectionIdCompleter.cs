using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCredRotate.Core.Completion;

namespace PsCredRotate.Completion;

/// <summary>
/// Completes -ConnectionId from the connected Auth0 tenant's oidc and okta connections (the ones
/// that have connection keys), with the connection's name and strategy as tooltip. Read at most
/// once a minute per tenant; a failed read completes nothing.
/// </summary>
public sealed class ConnectionIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CandidateCompletions.For(CompletionSources.ConnectionIds(CompletionConnection.Resolve(fakeBoundParameters), CompletionCache.Shared), wordToComplete);
        }
#pragma warning disable CA1031 // A completer must never throw: any failure completes nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }
}
