using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Commands;

/// <summary>
/// The session's default connection (the last Connect-Auth0Tenant without -NoDefault), one per
/// runspace: parallel runspaces do not share it and pass -Connection instead. Dfns has its own
/// slot (the last Connect-DfnsOrganization without -NoDefault), so both can be connected at once.
/// </summary>
internal static class SessionConnections
{
    private static readonly ConditionalWeakTable<Runspace, Slot> Slots = new();
    private static readonly Slot NoRunspace = new();

    public static IClientCredentialConnection? Default
    {
        get => Current.Connection;
        set => Current.Connection = value;
    }

    /// <summary>The session's default Dfns connection.</summary>
    public static DfnsConnection? DefaultDfns
    {
        get => Current.Dfns;
        set => Current.Dfns = value;
    }

    /// <summary>Forgets <paramref name="connection"/> if it is the default Dfns connection.</summary>
    public static void Forget(DfnsConnection connection)
    {
        Slot slot = Current;
        if (ReferenceEquals(slot.Dfns, connection))
        {
            slot.Dfns = null;
        }
    }

    /// <summary>Forgets <paramref name="connection"/> if it is the default.</summary>
    public static void Forget(IClientCredentialConnection connection)
    {
        Slot slot = Current;
        if (ReferenceEquals(slot.Connection, connection))
        {
            slot.Connection = null;
        }
    }

    private static Slot Current
    {
        get
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            return runspace is null ? NoRunspace : Slots.GetValue(runspace, _ => new Slot());
        }
    }

    private sealed class Slot
    {
        public IClientCredentialConnection? Connection { get; set; }

        public DfnsConnection? Dfns { get; set; }
    }
}
