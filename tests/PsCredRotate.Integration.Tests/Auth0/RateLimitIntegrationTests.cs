using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Auth0;

public sealed class RateLimitIntegrationTests
{
    [Fact]
    public async Task Four_concurrent_callers_on_one_connection_stay_under_the_tenants_rate_limit()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync(o =>
        {
            o.RateLimitPerSecond = 10;
            o.RateLimitBurst = 20;
        });
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        var log = new CapturingLog();

        using (OperationLog.Use(log))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                for (int i = 0; i < 15; i++)
                {
                    await connection.CredentialProvider.ReadAsync(Auth0Emulator.SampleClientId, CancellationToken.None);
                }
            })));
        }

        List<string> calls = log.Calls.Where(l => l.Contains("/api/v2/", StringComparison.Ordinal)).ToList();
        Assert.Equal(120, calls.Count);
        Assert.DoesNotContain(calls, l => l.Contains("→ 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Injected_429s_are_waited_out_and_every_call_succeeds()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync(o =>
        {
            o.RateLimitPerSecond = 10;
            o.RateLimitBurst = 20;
        });
        using Auth0Connection connection = await Auth0Emulator.ConnectAsync(server);
        await Auth0Emulator.PutFaultsAsync(server, "[{\"match\":\"GET /api/v2/clients/*/credentials\",\"kind\":\"status429\",\"count\":2}]");
        var log = new CapturingLog();

        using (OperationLog.Use(log))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => connection.CredentialProvider.ReadAsync(Auth0Emulator.SampleClientId, CancellationToken.None))));
        }

        Assert.Equal(2, log.Calls.Count(l => l.Contains("→ 429", StringComparison.Ordinal)));
        Assert.Equal(8, log.Calls.Count(l => l.Contains("→ 200", StringComparison.Ordinal)));
    }
}
