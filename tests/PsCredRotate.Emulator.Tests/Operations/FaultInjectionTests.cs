using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PsCredRotate.Emulator.State;
using PsCredRotate.Emulator.Tests.Infrastructure;
using static PsCredRotate.Emulator.Tests.Operations.OpsFixture;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class FaultInjectionTests
{
    private static readonly Uri Ping = new("api/v2/ops-test/ping", UriKind.Relative);

    private static Task<RunningEmulator> StartAdminAsync(Action<EmulatorOptions>? more = null) => StartAsync(o =>
    {
        o.Admin = true;
        o.FaultSeed = 7;
        more?.Invoke(o);
    });

    private static List<string> Items(RunningEmulator emulator) =>
        emulator.App.Services.GetRequiredService<StateStore<OpsState>>().Read(s => s.Items.ToList());

    [Fact]
    public async Task A_503_rule_with_a_count_fails_that_many_requests_with_Auth0s_body_then_stops()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        using (HttpResponseMessage set = await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /api/v2/ops-test/ping\",\"kind\":\"status503\",\"count\":2}]"))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage failed = await emulator.Client.GetAsync(Ping);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("{\"statusCode\":503,\"error\":\"Service Unavailable\",\"message\":\"Service Unavailable\"}", await failed.Content.ReadAsStringAsync());
            Assert.Equal("50", Header(failed, "x-ratelimit-limit"));
        }

        using HttpResponseMessage ok = await emulator.Client.GetAsync(Ping);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        JsonElement rules = await JsonAsync(await emulator.Client.GetAsync(new Uri("_emulator/faults", UriKind.Relative)));
        Assert.Equal(2, rules[0].GetProperty("hits").GetInt32());
        Assert.Equal(2, rules[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_500_rule_answers_Auth0s_internal_error_and_the_handler_never_runs()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"POST /api/v2/ops-test/items\",\"kind\":\"status500\"}]")).Dispose();
        using HttpResponseMessage failed = await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"lost\"}");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"An internal server error occurred\"}", await failed.Content.ReadAsStringAsync());
        Assert.Equal(new[] { "seeded" }, Items(emulator));
    }

    [Fact]
    public async Task A_429_rule_answers_with_Auth0s_body_and_an_empty_bucket_in_the_headers()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        long now = UnixNow(emulator);
        (await PostJsonAsync(emulator.Client, "_emulator/faults", "{\"match\":\"* /api/v2/**\",\"kind\":\"status429\",\"count\":1}")).Dispose();
        using HttpResponseMessage limited = await emulator.Client.GetAsync(Ping);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("{\"statusCode\":429,\"error\":\"Too Many Requests\",\"message\":\"Global limit has been reached\",\"errorCode\":\"too_many_requests\"}", await limited.Content.ReadAsStringAsync());
        Assert.Equal("50", Header(limited, "x-ratelimit-limit"));
        Assert.Equal("0", Header(limited, "x-ratelimit-remaining"));
        Assert.InRange(long.Parse(Header(limited, "x-ratelimit-reset"), System.Globalization.CultureInfo.InvariantCulture), now, now + 10);
    }

    [Fact]
    public async Task Faults_on_the_token_endpoint_use_the_OAuth_error_shape()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"POST /oauth/token\",\"kind\":\"status429\",\"count\":1},{\"match\":\"POST /oauth/token\",\"kind\":\"status503\",\"count\":1}]")).Dispose();
        var token = new Uri("oauth/token", UriKind.Relative);
        using HttpResponseMessage limited = await emulator.Client.PostAsync(token, new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("{\"error\":\"too_many_requests\",\"error_description\":\"Global limit has been reached\"}", await limited.Content.ReadAsStringAsync());
        using HttpResponseMessage down = await emulator.Client.PostAsync(token, new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("{\"error\":\"temporarily_unavailable\",\"error_description\":\"Service Unavailable\"}", await down.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_reset_rule_aborts_the_connection()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /api/v2/ops-test/*\",\"kind\":\"reset\",\"count\":1}]")).Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.Client.GetAsync(Ping));
        using HttpResponseMessage after = await emulator.Client.GetAsync(Ping);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Commit_then_fail_applies_the_change_and_answers_500()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"POST /api/v2/ops-test/items\",\"kind\":\"commitThenFail\",\"count\":1}]")).Dispose();
        using HttpResponseMessage failed = await PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"applied\"}");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("{\"statusCode\":500,\"error\":\"Internal Server Error\",\"message\":\"An internal server error occurred\"}", await failed.Content.ReadAsStringAsync());
        Assert.Equal("50", Header(failed, "x-ratelimit-limit"));
        Assert.Equal(new[] { "seeded", "applied" }, Items(emulator));
    }

    [Fact]
    public async Task Commit_then_reset_applies_the_change_and_drops_the_connection()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"POST /api/v2/ops-test/items\",\"kind\":\"commitThenFail\",\"then\":\"reset\",\"count\":1}]")).Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => PostJsonAsync(emulator.Client, "api/v2/ops-test/items", "{\"name\":\"applied\"}"));
        Assert.Equal(new[] { "seeded", "applied" }, Items(emulator));
    }

    [Fact]
    public async Task A_latency_rule_delays_the_request_and_then_lets_it_through()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /api/v2/ops-test/ping\",\"kind\":\"latency\",\"latencyMs\":150,\"count\":1}]")).Dispose();
        var watch = Stopwatch.StartNew();
        using HttpResponseMessage slow = await emulator.Client.GetAsync(Ping);
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 140, $"took {watch.ElapsedMilliseconds} ms");
        JsonElement rules = await JsonAsync(await emulator.Client.GetAsync(new Uri("_emulator/faults", UriKind.Relative)));
        Assert.Equal(1, rules[0].GetProperty("hits").GetInt32());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_sequence_of_faults()
    {
        async Task<string> RunAsync()
        {
            await using RunningEmulator emulator = await StartAdminAsync(o => o.FaultSeed = 12345);
            (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /api/v2/ops-test/ping\",\"kind\":\"status503\",\"probability\":0.5}]")).Dispose();
            var outcomes = new System.Text.StringBuilder();
            for (int i = 0; i < 40; i++)
            {
                using HttpResponseMessage r = await emulator.Client.GetAsync(Ping);
                outcomes.Append(r.StatusCode == HttpStatusCode.OK ? '.' : 'X');
            }

            return outcomes.ToString();
        }

        string first = await RunAsync();
        string second = await RunAsync();
        Assert.Equal(first, second);
        Assert.Contains(".", first, StringComparison.Ordinal);
        Assert.Contains(".", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST /api/v2/clients/*/credentials", "POST", "/api/v2/clients/abc/credentials", true)]
    [InlineData("POST /api/v2/clients/*/credentials", "GET", "/api/v2/clients/abc/credentials", false)]
    [InlineData("POST /api/v2/clients/*/credentials", "POST", "/api/v2/clients/abc/credentials/cred_1", false)]
    [InlineData("POST /api/v2/clients/*/credentials", "POST", "/api/v2/clients/credentials", false)]
    [InlineData("* /api/v2/clients/*/credentials/*", "DELETE", "/api/v2/clients/abc/credentials/cred_1", true)]
    [InlineData("* /api/v2/**", "PATCH", "/api/v2/clients/abc", true)]
    [InlineData("* /api/v2/**", "POST", "/oauth/token", false)]
    [InlineData("post /API/v2/clients", "POST", "/api/v2/clients", true)]
    public void Rules_match_methods_and_path_segments(string match, string method, string path, bool expected)
    {
        var rule = new Emulator.Infrastructure.FaultRule { Match = match, Kind = "status500" };
        Assert.Null(rule.Validate());
        Assert.Equal(expected, rule.Matches(method, path));
    }

    [Theory]
    [InlineData("{\"match\":\"/api/v2/clients\",\"kind\":\"status500\"}", "'match' must be a method")]
    [InlineData("{\"match\":\"GET /x\",\"kind\":\"explode\"}", "'kind' must be one of")]
    [InlineData("{\"match\":\"GET /x\",\"kind\":\"status500\",\"probability\":1.5}", "'probability' must be between 0 and 1")]
    [InlineData("{\"match\":\"GET /x\",\"kind\":\"status500\",\"count\":0}", "'count' must be at least 1")]
    [InlineData("{\"match\":\"GET /x\",\"kind\":\"latency\"}", "needs 'latencyMs'")]
    [InlineData("{\"match\":\"GET /x/**/y\",\"kind\":\"status500\"}", "'**' may only be the last")]
    [InlineData("{\"match\":\"GET /x\",\"kind\":\"status500\",\"then\":\"reset\"}", "'then' belongs to commitThenFail")]
    [InlineData("[{\"match\":", "not valid fault rule JSON")]
    [InlineData("42", "expected a fault rule object or an array")]
    public async Task Invalid_rules_are_refused_with_a_plain_error_and_the_rules_stay_as_they_were(string body, string expected)
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PutJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /keep\",\"kind\":\"status500\"}]")).Dispose();
        using HttpResponseMessage refused = await PutJsonAsync(emulator.Client, "_emulator/faults", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        JsonElement error = await JsonAsync(refused);
        Assert.Contains(expected, error.GetProperty("error").GetString(), StringComparison.Ordinal);
        JsonElement rules = await JsonAsync(await emulator.Client.GetAsync(new Uri("_emulator/faults", UriKind.Relative)));
        Assert.Equal(1, rules.GetArrayLength());
        Assert.Equal("GET /keep", rules[0].GetProperty("match").GetString());
    }

    [Fact]
    public async Task Rules_are_added_listed_and_cleared_and_never_apply_to_the_admin_area()
    {
        await using RunningEmulator emulator = await StartAdminAsync();
        (await PostJsonAsync(emulator.Client, "_emulator/faults", "{\"match\":\"* /**\",\"kind\":\"status500\"}")).Dispose();
        using (HttpResponseMessage added = await PostJsonAsync(emulator.Client, "_emulator/faults", "[{\"match\":\"GET /a\",\"kind\":\"reset\"}]"))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Equal(2, (await JsonAsync(added)).GetArrayLength());
        }

        using (HttpResponseMessage failed = await emulator.Client.GetAsync(Ping))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using (HttpResponseMessage cleared = await emulator.Client.DeleteAsync(new Uri("_emulator/faults", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        }

        Assert.Equal(0, (await JsonAsync(await emulator.Client.GetAsync(new Uri("_emulator/faults", UriKind.Relative)))).GetArrayLength());
        using HttpResponseMessage ok = await emulator.Client.GetAsync(Ping);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Rules_can_be_loaded_from_a_file_at_start()
    {
        string file = Path.Combine(Path.GetTempPath(), $"faults-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "[{\"match\":\"GET /api/v2/ops-test/ping\",\"kind\":\"status503\",\"count\":1}]");
        try
        {
            Assert.Equal(file, EmulatorOptions.Parse(new[] { "--faults", file, "--fault-seed", "3" }).FaultsPath);
            await using RunningEmulator emulator = await StartAsync(o => o.FaultsPath = file);
            using HttpResponseMessage failed = await emulator.Client.GetAsync(Ping);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            using HttpResponseMessage ok = await emulator.Client.GetAsync(Ping);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_bad_faults_file_stops_the_start_with_a_clear_message()
    {
        string file = Path.Combine(Path.GetTempPath(), $"faults-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "[{\"match\":\"GET /x\",\"kind\":\"meteor\"}]");
        try
        {
            var ex = Assert.Throws<ArgumentException>(() => EmulatorHost.Build(new EmulatorOptions { FaultsPath = file }));
            Assert.Contains("--faults", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'kind' must be one of", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
