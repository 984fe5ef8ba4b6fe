using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests;

public sealed class EmulatorServerTests
{
    [Fact]
    public async Task The_in_process_emulator_serves_its_snapshot_on_loopback()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync();

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        string snapshot = await server.SnapshotTextAsync();
        Assert.Contains(server.ManagementClientId, snapshot, StringComparison.Ordinal);
    }
}
