using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsCredRotate.Core;
using PsCredRotate.Core.Dfns.Webhooks;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Dfns.Webhooks;

/// <summary>
/// Dfns's documentation signs JSON.stringify of the parsed event, not the raw bytes (the open
/// question in dfns-api.md 5.4). tests/interop/dfns-webhook-reference.mjs computes that reference
/// signature in Node; these tests show where verifying the raw body agrees with it (every compact
/// body, which is what Dfns sends) and what -AllowReserializedBody adds for a re-formatted body.
/// </summary>
public sealed class DfnsReferenceSignatureTests
{
    private const string Secret = "whsec-reference-0123456789";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static string Sent => Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Reference(string Stringified, string Signature);

    private static async Task<Reference[]> ReferenceAsync(params string[] bodies)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeServer.InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add("dfns-webhook-reference.mjs");
        using Process node = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        await node.StandardInput.WriteAsync(new JsonObject { ["secret"] = Secret, ["bodies"] = new JsonArray(bodies.Select(b => (JsonNode?)b).ToArray()) }.ToJsonString());
        node.StandardInput.Close();
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        return JsonSerializer.Deserialize<Reference[]>(await stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    private static WebhookSignatureResult Verify(string body, string signature, bool reserialized) =>
        WebhookSignatureVerifier.Verify(new UTF8Encoding(false).GetBytes(body), signature, [SecureStrings.FromString(Secret)], Now, WebhookSignatureVerifier.DefaultMaxAge, reserialized);

    [Fact]
    public async Task For_compact_events_as_Dfns_sends_them_the_raw_body_is_what_the_reference_signs()
    {
        string[] bodies =
        [
            "{\"id\":\"whe-1\",\"kind\":\"wallet.created\",\"date\":\"2026-11-29T17:00:00.000Z\",\"data\":{\"wallet\":{\"id\":\"wa-1\",\"tags\":[\"a\",\"b\"],\"network\":\"EthereumSepolia\"}},\"status\":\"200\",\"timestampSent\":" + Sent + "}",
            "{\"id\":\"whe-2\",\"kind\":\"wallet.transfer.requested\",\"data\":{\"note\":\"ünïcode ✓ \\\"quoted\\\" a\\\\b\",\"amount\":\"1000000000\",\"nothing\":null,\"ok\":true},\"deliveryAttempt\":2,\"retryOf\":\"whe-1\",\"timestampSent\":" + Sent + "}",
        ];

        Reference[] reference = await ReferenceAsync(bodies);

        for (int i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(bodies[i], reference[i].Stringified);
            Assert.Equal(WebhookSignatureReason.Valid, Verify(bodies[i], reference[i].Signature, reserialized: false).Reason);
            Assert.Equal(WebhookSignatureVerifier.Sign(new UTF8Encoding(false).GetBytes(bodies[i]), SecureStrings.FromString(Secret)), reference[i].Signature);
        }
    }

    [Fact]
    public async Task A_re_formatted_body_fails_the_raw_check_and_passes_with_the_compact_re_serialisation()
    {
        string[] bodies =
        [
            "{\n  \"id\": \"whe-3\",\n  \"kind\": \"wallet.created\",\n  \"data\": { \"wallet\": { \"id\": \"wa-1\" } },\n  \"timestampSent\": " + Sent + "\n}\n",
            "{\"id\":\"whe-4\",\"kind\":\"wallet.created\",\"data\":{\"name\":\"caf\\u00e9 \\/ bar\"},\"timestampSent\":" + Sent + "}",
        ];

        Reference[] reference = await ReferenceAsync(bodies);

        for (int i = 0; i < bodies.Length; i++)
        {
            Assert.NotEqual(bodies[i], reference[i].Stringified);
            Assert.Equal(WebhookSignatureReason.SignatureMismatch, Verify(bodies[i], reference[i].Signature, reserialized: false).Reason);
            WebhookSignatureResult lenient = Verify(bodies[i], reference[i].Signature, reserialized: true);
            Assert.Equal((WebhookSignatureReason.Valid, true), (lenient.Reason, lenient.MatchedReserializedBody));
        }
    }

    [Fact]
    public async Task Numbers_are_kept_as_received_so_a_number_JavaScript_would_rewrite_is_the_documented_limit()
    {
        // JSON.stringify writes 1.50 as 1.5; the compact form keeps the digits received. Dfns's events
        // carry amounts as strings and timestamps as integers, which both forms keep alike.
        string body = "{\"id\":\"whe-5\",\"data\":{\"rate\":1.50},\"timestampSent\":" + Sent + "}";

        Reference reference = (await ReferenceAsync(body)).Single();

        Assert.Contains("1.5}", reference.Stringified, StringComparison.Ordinal);
        Assert.Equal(WebhookSignatureReason.SignatureMismatch, Verify(body, reference.Signature, reserialized: true).Reason);
    }
}
