using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using PsCredRotate.Core.Completion;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Completion;

/// <summary>
/// A completer whose candidates come from the connected provider (the -Connection on the command
/// line, else the session default), read through the shared cache. A completer must never throw:
/// any failure completes nothing.
/// </summary>
public abstract class ConnectionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CandidateCompletions.For(Candidates(CompletionConnection.Resolve(fakeBoundParameters), CompletionCache.Shared), wordToComplete);
        }
#pragma warning disable CA1031 // A completer must never throw: any failure completes nothing.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Array.Empty<CompletionResult>();
        }
    }

    /// <summary>Every candidate the connection offers (cached), before filtering by the word typed.</summary>
    protected abstract IReadOnlyList<CompletionCandidate> Candidates(IClientCredentialConnection? connection, CompletionCache cache);
}
