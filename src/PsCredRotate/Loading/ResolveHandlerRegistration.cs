using System.Threading;

namespace PsCredRotate.Loading;

/// <summary>
/// Counts the imports of the module in one process (one per runspace that imports it, and again on
/// Import-Module -Force), so the resolve handler is hooked by the first import and unhooked only
/// when the last copy is removed: a Remove-Module in one runspace must not break another.
/// </summary>
internal sealed class ResolveHandlerRegistration
{
    private int _imports;

    /// <summary>Records an import; true when this is the first one and the handler is to be hooked.</summary>
    public bool Acquire() => Interlocked.Increment(ref _imports) == 1;

    /// <summary>Records a removal; true when it was the last import and the handler is to be unhooked.</summary>
    public bool Release()
    {
        while (true)
        {
            int current = Volatile.Read(ref _imports);
            if (current == 0)
            {
                // A removal without an import (never expected): nothing is hooked.
                return false;
            }

            if (Interlocked.CompareExchange(ref _imports, current - 1, current) == current)
            {
                return current == 1;
            }
        }
    }

    public int Imports => Volatile.Read(ref _imports);
}
