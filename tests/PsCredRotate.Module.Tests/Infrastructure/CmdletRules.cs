using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// The module's cmdlet conventions as rules over <see cref="CmdletFacts"/>. Each returns the
/// violations it finds, as sentences; the contract tests expect none for the real cmdlets, and the
/// rule tests feed deliberately bad facts to show each rule can fail.
/// </summary>
internal static class CmdletRules
{
    /// <summary>Verbs whose cmdlets change state (a provider, a file, the machine) and so must support -WhatIf/-Confirm.</summary>
    public static readonly IReadOnlySet<string> StateChangingVerbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "Set", "Remove", "Add", "Revoke", "Grant", "Enable", "Disable", "Export", "Invoke", "Start", "Stop",
        "Restart", "Suspend", "Resume", "Complete", "Undo", "Register", "Unregister", "Update", "Rename",
        "Move", "Copy", "Reset", "Clear", "Publish", "Unpublish", "Install", "Uninstall", "Write", "Save",
        "Restore", "Sync", "Approve", "Deny", "Submit", "Send", "Protect", "Unprotect", "Block", "Unblock",
        "Lock", "Unlock", "Initialize", "Mount", "Dismount", "Backup", "Out", "Edit", "Merge",
    };

    /// <summary>
    /// New- cmdlets that only create an object in this process and so need no ShouldProcess. Every
    /// other New- cmdlet creates something outside the process and must support it.
    /// </summary>
    public static readonly IReadOnlySet<string> InMemoryNewCmdlets = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // Generates a key pair in memory; nothing is written until Export-RotationKey or a provider cmdlet.
        "New-RotationKey",
        // Signs a JWT in memory; nothing is sent anywhere.
        "New-ClientAssertion",
    };

    /// <summary>
    /// Cmdlets that write nothing to the output stream, so they have no [OutputType]. Every other
    /// cmdlet declares what it writes.
    /// </summary>
    public static readonly IReadOnlySet<string> WritesNothing = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // Closes a connection; the surface table gives it no output.
        "Disconnect-Auth0Tenant",
        "Disconnect-OidcClientRegistration",
        "Disconnect-DfnsOrganization",
        // Deletes a credential; the surface table gives it no output (and no -PassThru: there is nothing left to pass).
        "Remove-ClientCredential",
    };

    /// <summary>Verbs whose cmdlets destroy or disable something and must confirm by default.</summary>
    public static readonly IReadOnlySet<string> HighImpactVerbs = new HashSet<string>(StringComparer.Ordinal) { "Remove", "Revoke" };

    public static IEnumerable<string> Naming(CmdletFacts c)
    {
        if (!c.IsSealed)
        {
            yield return $"{c.ClassName} is not sealed.";
        }

        if (c.ClassName != c.Verb + c.Noun + "Command")
        {
            yield return $"{c.ClassName} implements {c.CommandName}; name it {c.Verb}{c.Noun}Command.";
        }

        if (!c.Namespace.StartsWith("PsCredRotate.Commands.", StringComparison.Ordinal))
        {
            yield return $"{c.ClassName} is in namespace '{c.Namespace}', not PsCredRotate.Commands.<Area>.";
        }
    }

    public static IEnumerable<string> Verb(CmdletFacts c)
    {
        if (!ApprovedVerbs.All.Contains(c.Verb))
        {
            yield return $"{c.CommandName} uses '{c.Verb}', which is not an approved verb in both Windows PowerShell 5.1 and PowerShell 7.";
        }
    }

    public static IEnumerable<string> OutputType(CmdletFacts c)
    {
        bool writesNothing = WritesNothing.Contains(c.CommandName);
        if (c.OutputTypes.Count == 0 && !writesNothing)
        {
            yield return $"{c.CommandName} has no [OutputType].";
        }

        if (c.OutputTypes.Count > 0 && writesNothing)
        {
            yield return $"{c.CommandName} declares [OutputType] but is listed as writing nothing.";
        }
    }

    public static IEnumerable<string> ShouldProcess(CmdletFacts c)
    {
        bool changesState = StateChangingVerbs.Contains(c.Verb) || (c.Verb == "New" && !InMemoryNewCmdlets.Contains(c.CommandName));
        if (changesState && !c.SupportsShouldProcess)
        {
            yield return $"{c.CommandName} changes state but does not declare SupportsShouldProcess.";
        }

        if (HighImpactVerbs.Contains(c.Verb) && c.ConfirmImpact != "High")
        {
            yield return $"{c.CommandName} is destructive but has ConfirmImpact {c.ConfirmImpact}, not High.";
        }
    }

    public static IEnumerable<string> ParameterSets(CmdletFacts c)
    {
        if (c.ParameterSetNames.Count > 1 && c.DefaultParameterSetName is null)
        {
            yield return $"{c.CommandName} has {c.ParameterSetNames.Count} parameter sets but no DefaultParameterSetName.";
        }

        IEnumerable<string> used = c.ParameterSetNames;
        if (c.DefaultParameterSetName is not null)
        {
            used = used.Append(c.DefaultParameterSetName);
        }

        foreach (string name in used.Distinct(StringComparer.Ordinal).Where(n => !c.ParameterSetConstants.Contains(n)))
        {
            yield return $"{c.CommandName} uses parameter set '{name}', which is not the value of a public const string *ParameterSet field of {c.ClassName}.";
        }
    }

    /// <summary>
    /// Secrets go in as SecureString (or an array of them, as Test-WebhookSignature takes the old and the
    /// new webhook secret), never as a plain string that lands in history and transcripts.
    /// </summary>
    public static IEnumerable<string> SecretParameters(CmdletFacts c)
    {
        foreach (KeyValuePair<string, string> p in c.Parameters)
        {
            // SecretName names a vault secret; it is not one.
            bool secret = (p.Key.IndexOf("Password", StringComparison.OrdinalIgnoreCase) >= 0
                || p.Key.IndexOf("Secret", StringComparison.OrdinalIgnoreCase) >= 0)
                && !p.Key.EndsWith("Name", StringComparison.OrdinalIgnoreCase);
            if (secret && p.Value != "System.Security.SecureString" && p.Value != "System.Security.SecureString[]")
            {
                yield return $"{c.CommandName} -{p.Key} is a {p.Value}; secrets are SecureString parameters.";
            }
        }
    }

    public static IEnumerable<string> All(CmdletFacts c) =>
        Naming(c).Concat(Verb(c)).Concat(OutputType(c)).Concat(ShouldProcess(c)).Concat(ParameterSets(c)).Concat(SecretParameters(c));
}
