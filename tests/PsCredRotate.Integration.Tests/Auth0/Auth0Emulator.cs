using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Keys;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Auth0;

/// <summary>Helpers for Core's Auth0 client against the in-process emulator.</summary>
internal static class Auth0Emulator
{
    public const string SampleClientId = "emulator-sample-m2m";
    public const string SampleApi = "https://api.example.com";

    public static Auth0ConnectionOptions SecretOptions(EmulatorServer server, string? clientId = null, string? secret = null) => new()
    {
        Domain = "http://" + server.Domain,
        ClientId = clientId ?? server.ManagementClientId,
        ClientSecret = SecureStrings.FromString(secret ?? server.ManagementClientSecret),
    };

    public static async Task<Auth0Connection> ConnectAsync(EmulatorServer server, Action<Auth0ConnectionOptions>? configure = null)
    {
        Auth0ConnectionOptions options = SecretOptions(server);
        configure?.Invoke(options);
        Auth0Connection connection = Auth0Connection.Create(options);
        await connection.ConnectAsync(CancellationToken.None);
        return connection;
    }

    public static RotationKey NewKey(string name) => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256, Name = name });

    /// <summary>A seed file in the temp directory (deleted by the caller).</summary>
    public static string WriteSeed(JsonObject seed)
    {
        string path = Path.Combine(Path.GetTempPath(), "pscredrotate-seed-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, seed.ToJsonString());
        return path;
    }

    public static async Task AdvanceClockAsync(EmulatorServer server, TimeSpan by)
    {
        using HttpResponseMessage response = await server.Admin.PostAsJsonAsync("_emulator/clock", new { advanceSeconds = by.TotalSeconds });
        response.EnsureSuccessStatusCode();
    }

    public static async Task PutFaultsAsync(EmulatorServer server, string json)
    {
        using HttpResponseMessage response = await server.Admin.PutAsync("_emulator/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>An operation log that keeps every line, for counting calls and their outcomes.</summary>
internal sealed class CapturingLog : IOperationLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IEnumerable<string> Calls => Lines.Where(l => l.Contains(" → ", StringComparison.Ordinal) && !l.Contains('\n', StringComparison.Ordinal));

    public void Verbose(string message) => Lines.Enqueue(message);

    public void Debug(string message) => Lines.Enqueue("DEBUG " + message);

    public void Warning(string message) => Lines.Enqueue("WARNING " + message);
}
