using System.Text.Json;

namespace PsCredRotate.Emulator.State;

/// <summary>
/// The emulator's whole state behind one lock. Reads and writes are functions over the state;
/// a write is persisted (when --state is given) before the caller gets its result, so an
/// acknowledged write survives kill -9. Snapshot, restore and reset serve the admin area.
/// </summary>
public sealed class StateStore<TState> : IStateAdmin
    where TState : class, new()
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly object _gate = new();
    private readonly string _initialJson;
    private readonly IStatePersistence? _persistence;
    private TState _state;

    /// <param name="initial">The seeded state; <see cref="Reset"/> returns to it.</param>
    /// <param name="persistence">Where writes go; null keeps state in memory only.</param>
    public StateStore(TState initial, IStatePersistence? persistence)
    {
        _persistence = persistence;
        _initialJson = JsonSerializer.Serialize(initial, Json);
        string? saved = persistence?.Load();
        _state = saved is null ? initial : JsonSerializer.Deserialize<TState>(saved, Json) ?? initial;
        if (saved is null)
        {
            persistence?.Save(JsonSerializer.Serialize(_state, Json));
        }
    }

    public T Read<T>(Func<TState, T> read)
    {
        lock (_gate)
        {
            return read(_state);
        }
    }

    /// <summary>Applies a change and persists it before returning. If the change throws, nothing is persisted.</summary>
    public T Write<T>(Func<TState, T> write)
    {
        lock (_gate)
        {
            T result = write(_state);
            _persistence?.Save(JsonSerializer.Serialize(_state, Json));
            return result;
        }
    }

    /// <summary>The whole state as JSON.</summary>
    public string Snapshot()
    {
        lock (_gate)
        {
            return JsonSerializer.Serialize(_state, Json);
        }
    }

    /// <summary>Replaces the whole state with a snapshot.</summary>
    public void Restore(string snapshotJson)
    {
        TState restored = JsonSerializer.Deserialize<TState>(snapshotJson, Json)
            ?? throw new ArgumentException("The snapshot is empty.", nameof(snapshotJson));
        lock (_gate)
        {
            _state = restored;
            _persistence?.Save(snapshotJson);
        }
    }

    /// <summary>Back to the seeded state.</summary>
    public void Reset() => Restore(_initialJson);
}

/// <summary>What the admin area needs of the state, whatever its type.</summary>
public interface IStateAdmin
{
    string Snapshot();

    void Restore(string snapshotJson);

    void Reset();
}

/// <summary>Durable storage of the serialized state.</summary>
public interface IStatePersistence
{
    /// <summary>The last saved state, or null when there is none yet.</summary>
    string? Load();

    /// <summary>Saves atomically: after a crash the file holds either the old or the new state, whole.</summary>
    void Save(string json);
}
