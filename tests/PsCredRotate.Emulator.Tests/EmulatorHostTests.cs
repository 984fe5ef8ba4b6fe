using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests;

public sealed class EmulatorHostTests
{
    [Fact]
    public async Task The_emulator_listens_on_a_free_loopback_port()
    {
        await using RunningEmulator emulator = await RunningEmulator.StartAsync();
        Assert.Equal("127.0.0.1", emulator.BaseAddress.Host);
        Assert.NotEqual(0, emulator.BaseAddress.Port);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://10.1.2.3:5000")]
    [InlineData("http://example.com:5000")]
    public void A_non_loopback_address_is_refused(string url)
    {
        var ex = Assert.Throws<ArgumentException>(() => EmulatorHost.Build(new EmulatorOptions { Urls = url }));
        Assert.Contains("loopback", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_options_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--frobnicate" }));
        Assert.Contains("--frobnicate", ex.Message, StringComparison.Ordinal);
    }
}
