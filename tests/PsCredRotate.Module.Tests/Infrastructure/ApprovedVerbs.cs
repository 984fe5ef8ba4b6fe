using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>PowerShell's approved verbs, as Get-Verb lists them, by group.</summary>
internal static class ApprovedVerbs
{
    public static readonly IReadOnlyDictionary<string, string[]> ByGroup = new Dictionary<string, string[]>
    {
        ["Common"] =
        [
            "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock",
            "Move", "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize",
            "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        ],
        ["Communications"] = ["Connect", "Disconnect", "Read", "Receive", "Send", "Write"],
        ["Data"] =
        [
            "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount",
            "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out",
            "Publish", "Restore", "Save", "Sync", "Unpublish", "Update",
        ],
        ["Diagnostic"] = ["Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace"],
        ["Lifecycle"] =
        [
            "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install",
            "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend",
            "Uninstall", "Unregister", "Wait",
        ],
        ["Security"] = ["Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect"],
        ["Other"] = ["Use"],
    };

    /// <summary>
    /// Approved only since PowerShell 6. The module also loads in Windows PowerShell 5.1, which warns
    /// on import about a cmdlet using one of these, so the module does not use them.
    /// </summary>
    public static readonly IReadOnlySet<string> NewerThanWindowsPowerShell = new HashSet<string>(StringComparer.Ordinal) { "Build", "Deploy" };

    /// <summary>Verbs approved in Windows PowerShell 5.1 and PowerShell 7 alike (case-sensitive, as declared).</summary>
    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(ByGroup.Values.SelectMany(v => v).Where(v => !NewerThanWindowsPowerShell.Contains(v)), StringComparer.Ordinal);
}
