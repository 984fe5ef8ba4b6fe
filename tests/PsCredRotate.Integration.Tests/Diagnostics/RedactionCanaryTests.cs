using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.ClientSecrets;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Dfns;
using PsCredRotate.Integration.Tests.Infrastructure;
using PsCredRotate.Integration.Tests.Oidc;

namespace PsCredRotate.Integration.Tests.Diagnostics;

/// <summary>
/// The redaction test: full rotations over real HTTP with every Verbose and Debug line captured
/// through Core's logging sink (<see cref="OperationLog"/> and the rotation host), with canary
/// secrets planted (a management client secret, a client secret, private keys) and every token
/// and secret the servers issued harvested from the wire. None may appear anywhere in the captured
/// text, and the text must hold the call lines (method, path, status, duration, rate limit) and the
/// redacted bodies, so the test cannot pass by logging nothing.
/// </summary>
public sealed class RedactionCanaryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Everything Core wrote to the sink, as one text.</summary>
    private sealed class CapturedLog : IOperationLog
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Verbose(string message) => Append("VERBOSE: ", message);

        public void Debug(string message) => Append("DEBUG: ", message);

        public void Warning(string message) => Append("WARNING: ", message);

        private void Append(string stream, string message)
        {
            lock (_text)
            {
                _text.Append(stream).Append(message).Append('\n');
            }
        }
    }

    /// <summary>Values that identify a private key: its JWK private members and the second half of its PEM body.</summary>
    private static IEnumerable<(string Value, string What)> PrivateParts(RotationKey key)
    {
        JsonObject jwk = (JsonObject)JsonNode.Parse(KeyExporter.Export(key, KeyExportFormat.Jwk, publicOnly: false))!;
        foreach (string member in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            if (jwk[member] is JsonNode value)
            {
                yield return ((string)value!, $"private JWK member '{member}' of {key.Kid}");
            }
        }

        string[] lines = KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false)
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length >= 40)
            .ToArray();
        foreach (string line in lines.Skip(lines.Length / 2))
        {
            yield return (line, $"private key PEM line of {key.Kid}");
        }
    }

    private static void AssertNoCanary(string log, IEnumerable<(string Value, string What)> canaries)
    {
        var list = canaries.ToList();
        Assert.NotEmpty(list);
        string[] leaked = list.Where(c => log.Contains(c.Value, StringComparison.Ordinal)).Select(c => c.What).Distinct().ToArray();
        Assert.True(leaked.Length == 0, "Logged: " + string.Join("; ", leaked));
    }

    private static void AssertLine(string log, string pattern) =>
        Assert.True(Regex.IsMatch(log, pattern, RegexOptions.Multiline), $"No line matches /{pattern}/ in:\n{log}");

    [Fact]
    public async Task An_Auth0_Invoke_rotation_and_a_client_secret_rotation_log_every_call_and_no_secret_key_or_token()
    {
        string managementSecret = "CANARY-management-secret-" + Guid.NewGuid().ToString("N");
        await using RotationTenant tenant = await RotationTenant.StartAsync(
            s =>
            {
                s.AddPrivateKeyJwtClient("app-canary");
                s.AddSecretClient("app-canary-secret");
            },
            o => o.ManagementClientSecret = managementSecret);
        SeededClient pkj = tenant["app-canary"];
        SeededClient secretClient = tenant["app-canary-secret"];
        var harvester = new SecretHarvester();
        var log = new CapturedLog();
        var host = new UnattendedRotationHost(log);
        ClientCredentialRotation rotation;
        ClientSecretRotation? secretRotation;
        using (OperationLog.Use(log))
        {
            using Auth0Connection connection = await tenant.ConnectAsync(tenant.Server.ManagementClientId, managementSecret, harvester);
            rotation = await new ClientCredentialRotator(connection.CredentialProvider, host, RotationTenant.FastSettings())
                .InvokeAsync(tenant.Start(pkj.ClientId, generate: true), (_, _) => Task.CompletedTask, keepPrevious: false, None);
            secretRotation = await new ClientSecretRotator(connection, host).RotateAsync(secretClient.ClientId, null, false, None);
        }

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        string newSecret = new(SecureStrings.ToChars(secretRotation!.ClientSecret!));
        string text = log.Text + rotation + "\n" + string.Join("\n", rotation.Steps) + "\n" + secretRotation;
        var canaries = new List<(string, string)>
        {
            (managementSecret, "the management client secret"),
            (secretClient.Secret, "the client's old secret"),
            (newSecret, "the client's new secret"),
        };
        canaries.AddRange(PrivateParts(pkj.AttachedKeys[0]));
        canaries.AddRange(PrivateParts(rotation.NewKey!));
        canaries.AddRange(harvester.Values.Select(v => (v.Key, "a secret seen in " + v.Value)));
        Assert.Contains(harvester.Values.Values, w => w.Contains("/oauth/token response access_token", StringComparison.Ordinal));
        Assert.Contains(harvester.Values.Values, w => w.Contains("request client_assertion", StringComparison.Ordinal));
        Assert.Contains(harvester.Values.Values, w => w.Contains("rotate-secret response client_secret", StringComparison.Ordinal));

        AssertNoCanary(text, canaries);

        // The calls are there, one line each, with status, duration and the rate limit left.
        AssertLine(text, @"^VERBOSE: POST /oauth/token → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: GET /api/v2/clients/app-canary → 200 in \d+ ms \(rate limit: \d+ of \d+ left\)\.$");
        AssertLine(text, @"^VERBOSE: POST /api/v2/clients/app-canary/credentials → 201 in \d+ ms");
        AssertLine(text, @"^VERBOSE: PATCH /api/v2/clients/app-canary → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: DELETE /api/v2/clients/app-canary/credentials/\S+ → 204 in \d+ ms");
        AssertLine(text, @"^VERBOSE: POST /api/v2/clients/app-canary-secret/rotate-secret → 200 in \d+ ms");

        // The bodies went to Debug, redacted.
        AssertLine(text, @"^DEBUG: POST https?://\S+/oauth/token$");
        AssertLine(text, @"^client_secret=\[redacted\]|&client_secret=\[redacted\]");
        AssertLine(text, @"client_assertion=\[redacted\]");
        AssertLine(text, @"""access_token"":""\[redacted\]""");
        AssertLine(text, @"""client_secret"":""\[redacted\]""");
        AssertLine(text, @"^Authorization: \[redacted\]$");
    }

    [Fact]
    public async Task A_Dfns_rotation_logs_every_call_and_no_key_token_or_user_action()
    {
        await using EmulatorServer server = await EmulatorServer.StartAsync(o => o.Dfns = true);
        using RotationKey oldKey = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 });
        DfnsServiceAccount account = await server.SeedServiceAccountAsync(oldKey.PublicKeyPem, credId: "canary-first-key");
        var harvester = new SecretHarvester();
        var log = new CapturedLog();
        DfnsKeyRotationResult result;
        using (OperationLog.Use(log))
        {
            using DfnsConnection connection = DfnsConnection.Create(new DfnsConnectionOptions
            {
                BaseUri = server.BaseAddress.ToString(),
                Token = SecureStrings.FromString(account.Token),
                CredentialId = account.CredId,
                Key = oldKey,
                MaxRetries = 0,
                Handler = harvester,
            });
            await connection.ConnectAsync(None);
            result = await new DfnsKeyRotator(connection, new UnattendedRotationHost(log))
                .InvokeAsync(new DfnsKeyRotationOptions { Algorithm = KeyAlgorithm.ES256, Name = "canary" }, None);
        }

        Assert.Equal(DfnsKeyRotationStatus.Completed, result.Status);
        string text = log.Text + result;
        var canaries = new List<(string, string)> { (account.Token, "the service account token") };
        canaries.AddRange(PrivateParts(oldKey));
        canaries.AddRange(PrivateParts(result.NewKey));
        canaries.AddRange(harvester.Values.Select(v => (v.Key, "a secret seen in " + v.Value)));
        Assert.Contains(harvester.Values.Values, w => w.Contains("Authorization", StringComparison.Ordinal));
        Assert.Contains(harvester.Values.Values, w => w.Contains("/auth/action response userAction", StringComparison.Ordinal));

        AssertNoCanary(text, canaries);

        AssertLine(text, @"^VERBOSE: POST /auth/action/init → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: POST /auth/action → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: POST /auth/credentials → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: PUT /auth/credentials/deactivate → 200 in \d+ ms");
        AssertLine(text, @"^x-dfns-useraction: \[redacted\]$");
        AssertLine(text, @"^Authorization: \[redacted\]$");
    }

    [Fact]
    public async Task An_RFC_7592_rotation_logs_every_call_and_no_registration_token_or_key()
    {
        await using OidcProviderServer server = await OidcProviderServer.StartAsync();
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RegisteredClient client = await server.RegisterAsync(old);
        var log = new CapturedLog();
        ClientCredentialRotation rotation;
        string rotatedToken;
        using (OperationLog.Use(log))
        {
            using OidcConnection connection = await server.ConnectAsync(client);
            rotation = await new ClientCredentialRotator(connection.CredentialProvider, new UnattendedRotationHost(log), new RotationSettings { VerifyRetryDelay = TimeSpan.FromMilliseconds(200) })
                .InvokeAsync(new RotationStartOptions(client.ClientId), (_, _) => Task.CompletedTask, keepPrevious: false, None);
            rotatedToken = OidcProviderServer.Reveal(connection.RegistrationAccessToken);
        }

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        string text = log.Text + rotation + "\n" + string.Join("\n", rotation.Steps);
        var canaries = new List<(string, string)>
        {
            (client.RegistrationAccessToken, "the registration access token"),
            (rotatedToken, "the registration access token after the rotation"),
        };
        canaries.AddRange(PrivateParts(old));
        canaries.AddRange(PrivateParts(rotation.NewKey!));

        AssertNoCanary(text, canaries);

        string path = Regex.Escape(client.RegistrationUri.AbsolutePath);
        AssertLine(text, @"^VERBOSE: GET " + path + @" → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: PUT " + path + @" → 200 in \d+ ms");
        AssertLine(text, @"^VERBOSE: POST \S+ → 200 in \d+ ms");
        AssertLine(text, @"client_assertion=\[redacted\]");
        AssertLine(text, @"^Authorization: \[redacted\]$");
    }
}
