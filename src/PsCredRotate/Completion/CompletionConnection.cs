using System.Collections;
using System.Management.Automation;
using PsCredRotate.Commands;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Completion;

/// <summary>The connection a completion reads from: the -Connection typed on the command line, else the session default.</summary>
internal static class CompletionConnection
{
    public const string ConnectionParameter = "Connection";

    /// <summary>
    /// -Connection from <paramref name="fakeBoundParameters"/> when PowerShell could evaluate it
    /// (a variable, for example), else the session default; null when there is neither.
    /// </summary>
    public static IClientCredentialConnection? Resolve(IDictionary? fakeBoundParameters)
    {
        object? given = null;
        if (fakeBoundParameters is not null)
        {
            foreach (DictionaryEntry entry in fakeBoundParameters)
            {
                if (entry.Key is string name && string.Equals(name, ConnectionParameter, System.StringComparison.OrdinalIgnoreCase))
                {
                    given = entry.Value;
                    break;
                }
            }
        }

        if (given is PSObject wrapped)
        {
            given = wrapped.BaseObject;
        }

        return given as IClientCredentialConnection ?? SessionConnections.Default;
    }
}
