namespace PsCredRotate.Emulator.Auth0.Tokens;

/// <summary>
/// Client assertion ids already used ("client_id jti"), each kept until its assertion's exp plus the
/// clock skew, so a replay is refused. Held in memory, not in the tenant state: a token request is
/// not a Management write, and keeping the ids in the persisted state made every private_key_jwt
/// token re-serialize the whole tenant. After a restart an assertion used before could be accepted
/// again within its (at most five-minute) life; docs/emulator.md says so.
/// </summary>
public sealed class JtiReplayCache
{
    private const int PruneEvery = 256;

    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private int _insertsSincePrune;

    /// <summary>Records the id; false when it was already used and has not yet expired.</summary>
    public bool TryUse(string clientId, string jti, DateTimeOffset keepUntil, DateTimeOffset now)
    {
        string key = clientId + " " + jti;
        lock (_gate)
        {
            if (_used.TryGetValue(key, out DateTimeOffset until) && until >= now)
            {
                return false;
            }

            if (++_insertsSincePrune >= PruneEvery)
            {
                _insertsSincePrune = 0;
                foreach (string old in _used.Where(e => e.Value < now).Select(e => e.Key).ToList())
                {
                    _used.Remove(old);
                }
            }

            _used[key] = keepUntil;
            return true;
        }
    }

    /// <summary>Ids currently remembered (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _used.Count;
            }
        }
    }
}
