using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;
using PsCredRotate.Emulator.Tests.Infrastructure;
using static PsCredRotate.Emulator.Tests.Operations.OpsFixture;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class AdminAreaTests
{
    private static readonly Uri Clock = new("_emulator/clock", UriKind.Relative);
    private static readonly Uri Snapshot = new("_emulator/snapshot", UriKind.Relative);

    private static List<string> Items(RunningEmulator emulator) =>
        emulator.App.Services.GetRequiredService<StateStore<OpsState>>().Read(s => s.Items.ToList());

    [Theory]
    [InlineData("GET", "_emulator/faults")]
    [InlineData("POST", "_emulator/reset")]
    [InlineData("GET", "_emulator/snapshot")]
    [InlineData("GET", "_emulator/clock")]
    public async Task Without_admin_the_admin_area_does_not_exist(string method, string path)
    {
        await using RunningEmulator emulator = await StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using HttpResponseMessage response = await emulator.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_clock_reports_now_and_its_offset_and_moves_forward()
    {
        await using RunningEmulator emulator = await StartAsync(o => o.Admin = true);
        JsonElement before = await JsonAsync(await emulator.Client.GetAsync(Clock));
        Assert.Equal(0, before.GetProperty("offsetSeconds").GetDouble());

        JsonElement moved = await JsonAsync(await PostJsonAsync(emulator.Client, "_emulator/clock", "{\"advanceSeconds\":86400}"));
        Assert.Equal(86400, moved.GetProperty("offsetSeconds").GetDouble(), 3);
        DateTimeOffset now = DateTimeOffset.Parse(moved.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(now, DateTimeOffset.UtcNow.AddDays(1).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1).AddMinutes(1));
        Assert.Equal(TimeSpan.FromDays(1), emulator.App.Services.GetRequiredService<EmulatorClock>().Offset);
    }

    [Fact]
    public async Task The_clock_can_be_set_to_an_instant()
    {
        await using RunningEmulator emulator = await StartAsync(o => o.Admin = true);
        JsonElement set = await JsonAsync(await PostJsonAsync(emulator.Client, "_emulator/clock", "{\"set\":\"2027-01-01T00:00:00Z\"}"));
        DateTimeOffset now = DateTimeOffset.Parse(set.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(now, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 1, 0, TimeSpan.Zero));
        Assert.EndsWith("Z", set.GetProperty("now").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Expected a JSON body")]
    [InlineData("[]", "Expected a JSON object")]
    [InlineData("{}", "exactly one of")]
    [InlineData("{\"advanceSeconds\":1,\"set\":\"2027-01-01T00:00:00Z\"}", "exactly one of")]
    [InlineData("{\"advanceSeconds\":\"ten\"}", "'advanceSeconds' must be a number")]
    [InlineData("{\"set\":\"next tuesday\"}", "'set' must be an ISO 8601 instant")]
    public async Task Bad_clock_requests_get_a_plain_error_and_the_clock_stays(string body, string expected)
    {
        await using RunningEmulator emulator = await StartAsync(o => o.Admin = true);
        using HttpResponseMessage refused = await PostJsonAsync(emulator.Client, "_emulator/clock", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(expected, (await JsonAsync(refused)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, emulator.App.Services.GetRequiredService<EmulatorClock>().Offset);
    }

    [Fact]
    public async Task A_snapshot_is_the_state_json_and_restoring_it_brings_the_state_back()
    {
        await using RunningEmulator emulator = await StartAsync(o => o.Admin = true);
        (await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"one\"}")).Dispose();
        using HttpResponseMessage taken = await emulator.Client.GetAsync(Snapshot);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal("application/json", taken.Content.Headers.ContentType?.MediaType);
        string snapshot = await taken.Content.ReadAsStringAsync();
        Assert.Equal("{\"Items\":[\"seeded\",\"one\"]}", snapshot);

        (await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"two\"}")).Dispose();
        Assert.Equal(new[] { "seeded", "one", "two" }, Items(emulator));

        using HttpResponseMessage restored = await PutJsonAsync(emulator.Client, "_emulator/snapshot", snapshot);
        Assert.Equal(HttpStatusCode.NoContent, restored.StatusCode);
        Assert.Equal(new[] { "seeded", "one" }, Items(emulator));
    }

    [Theory]
    [InlineData("{\"Items\":[", "not the emulator's state JSON")]
    [InlineData("null", "refused")]
    [InlineData("{\"Items\":42}", "not the emulator's state JSON")]
    public async Task A_bad_snapshot_is_refused_and_the_state_is_unchanged(string body, string expected)
    {
        await using RunningEmulator emulator = await StartAsync(o => o.Admin = true);
        (await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"kept\"}")).Dispose();
        using HttpResponseMessage refused = await PutJsonAsync(emulator.Client, "_emulator/snapshot", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(expected, (await JsonAsync(refused)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "seeded", "kept" }, Items(emulator));
    }

    [Fact]
    public async Task Reset_returns_to_the_seed_with_the_real_clock_no_faults_and_a_full_bucket()
    {
        await using RunningEmulator emulator = await StartAsync(o =>
        {
            o.Admin = true;
            o.RateLimitPerSecond = 0.001;
            o.RateLimitBurst = 2;
        });
        (await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"gone\"}")).Dispose();
        (await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"gone too\"}")).Dispose();
        (await PostJsonAsync(emulator.Client, "_emulator/clock", "{\"advanceSeconds\":-30}")).Dispose();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /nowhere\",\"kind\":\"status500\"}]")).Dispose();
        using (HttpResponseMessage empty = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/ping", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, empty.StatusCode);
        }

        using (HttpResponseMessage reset = await emulator.Client.PostAsync(new Uri("_emulator/reset", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        Assert.Equal(new[] { "seeded" }, Items(emulator));
        Assert.Equal(TimeSpan.Zero, emulator.App.Services.GetRequiredService<EmulatorClock>().Offset);
        Assert.Equal(0, (await JsonAsync(await emulator.Client.GetAsync(new Uri("_emulator/faults", UriKind.Relative)))).GetArrayLength());
        using HttpResponseMessage ok = await emulator.Client.GetAsync(new Uri("api/v2/ops-test/ping", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1", Header(ok, "x-ratelimit-remaining"));
    }

    [Fact]
    public async Task Without_a_registered_state_the_snapshot_says_so_plainly()
    {
        await using RunningEmulator emulator = await RunningEmulator.StartAsync(o => o.Admin = true, services => services.RemoveAll<IStateAdmin>(), null);
        using HttpResponseMessage response = await emulator.Client.GetAsync(Snapshot);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"error\":\"This emulator has no tenant state registered.\"}", await response.Content.ReadAsStringAsync());
    }
}
