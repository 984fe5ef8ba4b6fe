using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Operations;

/// <summary>A small stand-in tenant state for the operations tests.</summary>
public sealed class OpsState
{
    public List<string> Items { get; set; } = new() { "seeded" };
}

public sealed record OpsItem(string Name);

/// <summary>
/// Starts the emulator with a real <see cref="StateStore{TState}"/> of <see cref="OpsState"/> as the
/// IStateAdmin (registered last, so it wins over the tenant's) and test endpoints under
/// /api/v2/ops-test/ that go through the same operations middleware as the Auth0 endpoints.
/// </summary>
internal static class OpsFixture
{
    public static Task<RunningEmulator> StartAsync(Action<EmulatorOptions>? configure = null, IStatePersistence? persistence = null) =>
        RunningEmulator.StartAsync(
            configure,
            services =>
            {
                services.RemoveAll<IStateAdmin>();
                services.AddSingleton(_ => new StateStore<OpsState>(new OpsState(), persistence));
                services.AddSingleton<IStateAdmin>(sp => sp.GetRequiredService<StateStore<OpsState>>());
            },
            MapTestEndpoints);

    public static void MapTestEndpoints(WebApplication app)
    {
        RouteGroupBuilder group = app.MapGroup("/api/v2/ops-test");
        group.MapGet("/ping", () => Results.Json(new { ok = true }));
        group.MapGet("/items", (StateStore<OpsState> store) => Results.Json(store.Read(s => s.Items.ToList())));
        group.MapPost("/items", async (HttpContext context, StateStore<OpsState> store) =>
        {
            // A stand-in write endpoint: the real endpoints' body rules are tested with them (Auth0/, Conformance/).
            OpsItem? item;
            try
            {
                item = await System.Text.Json.JsonSerializer.DeserializeAsync<OpsItem>(context.Request.Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
            }
            catch (System.Text.Json.JsonException)
            {
                item = null;
            }

            if (item is null)
            {
                return Results.StatusCode(400);
            }

            store.Write(s =>
            {
                s.Items.Add(item.Name);
                return 0;
            });
            return Results.Json(item, statusCode: 201);
        });
        group.MapGet("/throw", string () => throw new InvalidOperationException("boom at /secret/path with client_secret=hunter2"));
        group.MapPost("/count", async (HttpContext context) =>
        {
            long total = 0;
            byte[] buffer = new byte[81920];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return Results.Json(new { bytes = total });
        });
        group.MapGet("/empty-status/{code:int}", (int code) => Results.StatusCode(code));
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> PutJsonAsync(HttpClient client, string path, string json) =>
        await client.PutAsync(new Uri(path, UriKind.Relative), Json(json));

    public static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string json) =>
        await client.PostAsync(new Uri(path, UriKind.Relative), Json(json));

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : "";

    public static long UnixNow(RunningEmulator emulator) =>
        emulator.App.Services.GetRequiredService<EmulatorClock>().UtcNow.ToUnixTimeSeconds();

    public static MediaTypeHeaderValue JsonType => new("application/json");
}
