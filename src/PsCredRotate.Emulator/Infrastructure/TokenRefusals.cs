namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// Test hook (/_emulator/token-refusals): kids whose client assertions the token endpoint refuses
/// with 401 invalid_client, the answer Auth0 gives for a key it does not know, even while the
/// credential is attached. Lets a test make a rotation's verification fail. Thread-safe.
/// </summary>
public sealed class TokenRefusals
{
    private readonly object _gate = new();
    private readonly List<string> _kids = new();

    /// <summary>The refused kids, in the order they were added.</summary>
    public IReadOnlyList<string> Kids
    {
        get
        {
            lock (_gate)
            {
                return _kids.ToArray();
            }
        }
    }

    /// <summary>Refuses assertions signed with <paramref name="kid"/> (adding one twice keeps one).</summary>
    public void Add(string kid)
    {
        ArgumentException.ThrowIfNullOrEmpty(kid);
        lock (_gate)
        {
            if (!_kids.Contains(kid, StringComparer.Ordinal))
            {
                _kids.Add(kid);
            }
        }
    }

    public bool Refuses(string? kid)
    {
        if (kid is null)
        {
            return false;
        }

        lock (_gate)
        {
            return _kids.Contains(kid, StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _kids.Clear();
        }
    }
}
