using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>One emulator for the tests of a class (each test makes its own client and credential).</summary>
public sealed class SharedEmulator : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RunningEmulator? _emulator;

    public async Task<RunningEmulator> GetAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _emulator ??= await RunningEmulator.StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _gate.Dispose();
    }
}
