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

    // The state as last persisted: a write that throws (or whose save fails) returns to it, so a
    // refused or failed change never lingers in memory.
    private string _committedJson;

    /// <param name="initial">The seeded state; <see cref="Reset"/> returns to it.</param>
    /// <param name="persistence">Where writes go; null keeps state in memory only.</param>
    /// <exception cref="StateLoadException">The saved state exists but is not a whole, valid state.</exception>
    public StateStore(TState initial, IStatePersistence? persistence)
    {
        _persistence = persistence;
        _initialJson = JsonSerializer.Serialize(initial, Json);
        string? saved = persistence?.Load();
        if (saved is null)
        {
            _state = initial;
            _committedJson = _initialJson;
            persistence?.Save(_committedJson);
        }
        else
        {
            _state = ParseSaved(saved);
            _committedJson = saved;
        }
    }

    public T Read<T>(Func<TState, T> read)
    {
        lock (_gate)
        {
            return read(_state);
        }
    }

    /// <summary>
    /// Applies a change and persists it before returning. If the change throws, or saving fails,
    /// nothing is persisted and the state in memory is back to what it was before the call.
    /// </summary>
    public T Write<T>(Func<TState, T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            try
            {
                T result = write(_state);
                string json = JsonSerializer.Serialize(_state, Json);
                _persistence?.Save(json);
                _committedJson = json;
                return result;
            }
            catch
            {
                _state = JsonSerializer.Deserialize<TState>(_committedJson, Json)!;
                throw;
            }
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
            ?? throw new ArgumentException("The snapshot is JSON null, not a state.");
        lock (_gate)
        {
            string json = JsonSerializer.Serialize(restored, Json);
            _persistence?.Save(json);
            _state = restored;
            _committedJson = json;
        }
    }

    /// <summary>Back to the seeded state.</summary>
    public void Reset() => Restore(_initialJson);

    private static TState ParseSaved(string saved)
    {
        try
        {
            return JsonSerializer.Deserialize<TState>(saved, Json)
                ?? throw new StateLoadException("The state file holds JSON null instead of a tenant state. Refusing to start with an empty tenant: restore the file or remove it to start from the seed.");
        }
        catch (JsonException ex)
        {
            // Only the position: the file holds secrets, so none of its content goes into the message.
            throw new StateLoadException(
                $"The state file is corrupt or partial (invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}). Refusing to start with an empty tenant: restore the file or remove it to start from the seed.",
                ex);
        }
    }
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
