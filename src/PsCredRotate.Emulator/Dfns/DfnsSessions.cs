namespace PsCredRotate.Emulator.Dfns;

/// <summary>A pending user action challenge (POST /auth/action/init), bound to the request it signs.</summary>
public sealed record UserActionChallenge(string Identifier, string Challenge, string UserId, string Method, string Path, string Payload, DateTimeOffset Expires);

/// <summary>A pending credential creation challenge (POST /auth/credentials/init).</summary>
public sealed record CredentialChallenge(string Identifier, string Challenge, string UserId, string Kind, DateTimeOffset Expires);

/// <summary>A user action token (POST /auth/action), good for one request with exactly this method, path and body.</summary>
public sealed record UserActionGrant(string Token, string UserId, string Method, string Path, string Payload, DateTimeOffset Expires);

/// <summary>
/// Challenges and user action tokens, all single-use and short-lived. Kept in memory (like the
/// Auth0 jti cache), not in the persisted state: after a restart they are simply gone.
/// </summary>
public sealed class DfnsSessions
{
    private readonly object _gate = new();
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);

    public void Add(string key, object item, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_items.Count > 1024)
            {
                foreach (string old in _items.Where(e => ExpiresOf(e.Value) < now).Select(e => e.Key).ToList())
                {
                    _items.Remove(old);
                }
            }

            _items[key] = item;
        }
    }

    /// <summary>Removes and returns the item (single use: a second take finds nothing).</summary>
    public T? Take<T>(string key)
        where T : class
    {
        lock (_gate)
        {
            if (_items.TryGetValue(key, out object? item) && item is T typed)
            {
                _items.Remove(key);
                return typed;
            }

            return null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }

    private static DateTimeOffset ExpiresOf(object item) => item switch
    {
        UserActionChallenge c => c.Expires,
        CredentialChallenge c => c.Expires,
        UserActionGrant g => g.Expires,
        _ => DateTimeOffset.MinValue,
    };
}
