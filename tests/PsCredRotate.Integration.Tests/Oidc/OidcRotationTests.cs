using System.Collections.Concurrent;
using System.Net;
using PsCredRotate.Core;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Oidc;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Oidc;

/// <summary>
/// The generic rotation engine against a real OpenID provider (oidc-provider 9 on loopback) through
/// RFC 7592: the client's jwks rotated while an application requests a token every 50 ms with the
/// key it holds (private_key_jwt), rollback when the provider refuses the new key, and bad input
/// leaving the client's metadata as it was.
/// </summary>
public sealed class OidcRotationTests : IAsyncLifetime, IDisposable
{
    private readonly List<string> _dirs = new();
    private OidcProviderServer _server = null!;

    public async Task InitializeAsync() => _server = await OidcProviderServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        foreach (string dir in _dirs)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private sealed record Attempt(string Kid, bool Success, string? Error);

    /// <summary>The application: a token every 50 ms with the key it holds now; the deploy step swaps the key.</summary>
    private sealed class Application : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private readonly Task _loop;
        private RotationKey _held;

        public Application(OidcProviderServer server, string clientId, RotationKey key)
        {
            _held = key;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    RotationKey current = Volatile.Read(ref _held);
                    (bool success, string? error) = await server.TokenAsync(clientId, current, _http);
                    Attempts.Enqueue(new Attempt(current.Kid, success, error));
                    try
                    {
                        await Task.Delay(50, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            });
        }

        public ConcurrentQueue<Attempt> Attempts { get; } = new();

        public void Deploy(RotationKey key) => Volatile.Write(ref _held, key);

        public int Succeeded(string kid) => Attempts.Count(a => a.Kid == kid && a.Success);

        public IReadOnlyList<Attempt> Failures => Attempts.Where(a => !a.Success).ToList();

        public async Task WaitForAsync(Func<bool> condition)
        {
            DateTime until = DateTime.UtcNow.AddSeconds(20);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < until, "the application made too few requests");
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
            _stop.Dispose();
            _http.Dispose();
        }
    }

    private string NewKeyPath()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pscr-oidc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _dirs.Add(dir);
        return Path.Combine(dir, "new.pem");
    }

    private static ClientCredentialRotator Rotator(OidcConnection connection, RecordingHost? host = null) =>
        new(connection.CredentialProvider, host ?? new RecordingHost(), new RotationSettings { VerifyRetryDelay = TimeSpan.FromMilliseconds(200) });

    private static IReadOnlyList<string> Kids(ClientCredentialState state) => state.Credentials.Select(c => c.Kid!).ToList();

    [Fact]
    public async Task Invoke_rotates_the_jwks_with_a_token_every_50_ms_never_failing_and_both_keys_used()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RegisteredClient client = await _server.RegisterAsync(old);
        using OidcConnection connection = await _server.ConnectAsync(client);
        await using var app = new Application(_server, client.ClientId, old);
        await app.WaitForAsync(() => app.Succeeded(old.Kid) >= 3);
        string keyPath = NewKeyPath();
        var options = new RotationStartOptions(client.ClientId) { KeyPath = keyPath };
        int deployedAt = -1;

        ClientCredentialRotation rotation = await Rotator(connection).InvokeAsync(
            options,
            async (r, ct) =>
            {
                // Both keys are in jwks: the application still on the old key keeps working; then it reads the new file.
                await Task.Delay(300, ct);
                deployedAt = app.Attempts.Count;
                app.Deploy(KeyImporter.FromFile(r.KeyPath!));
            },
            keepPrevious: false,
            CancellationToken.None);
        string newKid = rotation.NewKid;
        await app.WaitForAsync(() => app.Succeeded(newKid) >= 5);

        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.True(rotation.Verified);
        Assert.True(deployedAt > 0);
        Assert.Empty(app.Failures);
        Assert.True(app.Succeeded(old.Kid) >= 3, "the old key was not used");
        Assert.True(app.Succeeded(newKid) >= 5, "the new key was not used");
        ClientCredentialState state = await connection.CredentialProvider.ReadAsync(client.ClientId, CancellationToken.None);
        Assert.Equal(new[] { newKid }, Kids(state));
        Assert.True(Assert.Single(state.Credentials).Attached);
        ClientCredentialTestResult oldNow = await connection.CredentialProvider.TestAsync(client.ClientId, old, null, CancellationToken.None);
        Assert.False(oldNow.Success);
        Assert.Equal("invalid_client", oldNow.Error);

        // oidc-provider rotated the registration access token on each PUT: the connection kept the new one.
        Assert.NotNull(connection.RegistrationAccessTokenRotatedAt);
        Assert.Equal(HttpStatusCode.Unauthorized, await _server.RegistrationStatusAsync(client, client.RegistrationAccessToken));
        Assert.Equal(HttpStatusCode.OK, await _server.RegistrationStatusAsync(client, OidcProviderServer.Reveal(connection.RegistrationAccessToken)));
    }

    [Fact]
    public async Task Start_then_deploy_then_Complete_never_fails_a_token_request()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 });
        RotationKey next = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.PS256 });
        RegisteredClient client = await _server.RegisterAsync(old);
        using OidcConnection connection = await _server.ConnectAsync(client);
        await using var app = new Application(_server, client.ClientId, old);
        await app.WaitForAsync(() => app.Succeeded(old.Kid) >= 3);
        ClientCredentialRotator rotator = Rotator(connection);

        ClientCredentialRotation started = await rotator.StartAsync(new RotationStartOptions(client.ClientId) { Key = next }, CancellationToken.None);
        RotationPhase afterStart = started.Phase;
        ClientCredentialState during = await connection.CredentialProvider.ReadAsync(client.ClientId, CancellationToken.None);
        await app.WaitForAsync(() => app.Succeeded(old.Kid) >= 6);
        app.Deploy(next);
        await app.WaitForAsync(() => app.Succeeded(next.Kid) >= 3);
        ClientCredentialRotation completed = await rotator.CompleteAsync(started, keepPrevious: false, CancellationToken.None);
        await app.WaitForAsync(() => app.Succeeded(next.Kid) >= 8);

        Assert.Equal(RotationPhase.Started, afterStart);
        Assert.Equal(new[] { old.Kid, next.Kid }, Kids(during));
        Assert.All(during.Credentials, c => Assert.True(c.Attached));
        Assert.Equal(RotationPhase.Completed, completed.Phase);
        Assert.Empty(app.Failures);
        Assert.Equal(new[] { next.Kid }, Kids(await connection.CredentialProvider.ReadAsync(client.ClientId, CancellationToken.None)));
    }

    [Fact]
    public async Task A_new_key_the_provider_refuses_is_removed_again_and_the_old_one_keeps_working()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RotationKey next = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RegisteredClient client = await _server.RegisterAsync(old);
        using OidcConnection connection = await _server.ConnectAsync(client);
        await using var app = new Application(_server, client.ClientId, old);
        await app.WaitForAsync(() => app.Succeeded(old.Kid) >= 3);
        await _server.RefuseKidsAsync(next.Kid);
        bool deployed = false;

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator(connection).InvokeAsync(
            new RotationStartOptions(client.ClientId) { Key = next },
            (_, _) =>
            {
                deployed = true;
                return Task.CompletedTask;
            },
            keepPrevious: false,
            CancellationToken.None));
        int afterRollback = app.Succeeded(old.Kid);
        await app.WaitForAsync(() => app.Succeeded(old.Kid) >= afterRollback + 5);

        Assert.Equal(ErrorIds.RotationVerificationFailed, e.ErrorId);
        Assert.Contains("The new credential was removed", e.Message, StringComparison.Ordinal);
        Assert.False(deployed);
        Assert.Equal(new[] { old.Kid }, Kids(await connection.CredentialProvider.ReadAsync(client.ClientId, CancellationToken.None)));
        Assert.True((await connection.CredentialProvider.TestAsync(client.ClientId, old, null, CancellationToken.None)).Success);
        Assert.Empty(app.Failures);
    }

    [Fact]
    public async Task A_key_registered_with_its_own_kid_is_named_by_thumbprint_tested_with_its_kid_and_rotated_away()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RotationKey next = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA });
        var jwks = new System.Text.Json.Nodes.JsonObject { ["keys"] = new System.Text.Json.Nodes.JsonArray(OidcProviderServer.PublicJwk(old, kid: "billing-2025")) };
        RegisteredClient client = await _server.RegisterAsync(jwks, "private_key_jwt");
        using OidcConnection connection = await _server.ConnectAsync(client);

        ClientCredential before = Assert.Single(await new ClientCredentialManager(connection.CredentialProvider, new RecordingHost()).GetAsync(client.ClientId, old.Kid, CancellationToken.None));
        ClientCredentialTestResult oldWorks = await connection.CredentialProvider.TestAsync(client.ClientId, old, null, CancellationToken.None);
        ClientCredentialRotation rotation = await Rotator(connection).InvokeAsync(new RotationStartOptions(client.ClientId) { Key = next }, (_, _) => Task.CompletedTask, keepPrevious: false, CancellationToken.None);

        Assert.Equal(old.Kid, before.Id);
        Assert.Equal("billing-2025", before.Name);
        Assert.True(oldWorks.Success);
        Assert.Equal(RotationPhase.Completed, rotation.Phase);
        Assert.Equal(new[] { next.Kid }, Kids(await connection.CredentialProvider.ReadAsync(client.ClientId, CancellationToken.None)));
    }

    [Fact]
    public async Task A_bad_registration_token_is_OidcRegistrationTokenInvalid_and_nothing_changes()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RegisteredClient client = await _server.RegisterAsync(old);
        string before = await _server.MetadataAsync(client, client.RegistrationAccessToken);

        PsCredRotateException e = await Assert.ThrowsAsync<PsCredRotateException>(() => _server.ConnectAsync(client, "not-the-token"));

        Assert.Equal(ErrorIds.OidcRegistrationTokenInvalid, e.ErrorId);
        Assert.DoesNotContain("not-the-token", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _server.MetadataAsync(client, client.RegistrationAccessToken));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_specific_ids_and_the_metadata_stays_as_it_was()
    {
        RotationKey old = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RotationKey next = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RotationKey es384 = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES384 });
        RegisteredClient client = await _server.RegisterAsync(old);
        RegisteredClient other = await _server.RegisterAsync(next);
        using OidcConnection connection = await _server.ConnectAsync(client);
        var manager = new ClientCredentialManager(connection.CredentialProvider, new RecordingHost());
        ClientCredentialRotator rotator = Rotator(connection);
        string before = await _server.MetadataAsync(client, OidcProviderServer.Reveal(connection.RegistrationAccessToken));
        string otherBefore = await _server.MetadataAsync(other, other.RegistrationAccessToken);

        async Task<string> Refused(Func<Task> act) => (await Assert.ThrowsAsync<PsCredRotateException>(act)).ErrorId;

        Assert.Equal(ErrorIds.CredentialNotFound, await Refused(() => manager.RemoveAsync(client.ClientId, "no-such-kid", force: true, CancellationToken.None)));
        Assert.Equal(ErrorIds.CredentialNotFound, await Refused(() => manager.GetAsync(client.ClientId, next.Kid, CancellationToken.None)));
        Assert.Equal(ErrorIds.OidcClientIdMismatch, await Refused(() => manager.GetAsync(other.ClientId, null, CancellationToken.None)));
        Assert.Equal(ErrorIds.OidcClientIdMismatch, await Refused(() => rotator.StartAsync(new RotationStartOptions(other.ClientId) { Key = next }, CancellationToken.None)));
        Assert.Equal(ErrorIds.LastAttachedCredential, await Refused(() => manager.RemoveAsync(client.ClientId, old.Kid, force: false, CancellationToken.None)));
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, await Refused(() => rotator.StartAsync(new RotationStartOptions(client.ClientId) { Key = es384 }, CancellationToken.None)));
        Assert.Equal(ErrorIds.RotationNotStarted, await Refused(() => rotator.CompleteAsync(new RotationCompleteOptions(client.ClientId, next), CancellationToken.None)));
        Assert.Equal(ErrorIds.KeepPreviousUnsupported, await Refused(() => rotator.InvokeAsync(new RotationStartOptions(client.ClientId) { Key = next }, (_, _) => Task.CompletedTask, keepPrevious: true, CancellationToken.None)));
        Assert.Equal(ErrorIds.OidcKeyCannotBeDetached, await Refused(() => manager.DisableAsync(client.ClientId, old.Kid, force: true, CancellationToken.None)));
        Assert.Equal(ErrorIds.OidcExpiryUnsupported, await Refused(() => manager.SetExpiryAsync(client.ClientId, old.Kid, DateTimeOffset.UtcNow.AddDays(30), CancellationToken.None)));
        Assert.Equal(ErrorIds.CredentialExists, await Refused(() => manager.AddAsync(client.ClientId, new NewClientCredential(old), attach: true, CancellationToken.None)));

        Assert.Null(connection.RegistrationAccessTokenRotatedAt);
        Assert.Equal(before, await _server.MetadataAsync(client, OidcProviderServer.Reveal(connection.RegistrationAccessToken)));
        Assert.Equal(otherBefore, await _server.MetadataAsync(other, other.RegistrationAccessToken));
    }

    [Fact]
    public async Task Clients_with_jwks_uri_or_a_secret_are_refused_and_keep_their_metadata()
    {
        RotationKey next = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        RegisteredClient byUri = await _server.RegisterAsync(null, "private_key_jwt", jwksUri: "https://app.example/jwks.json");
        RegisteredClient bySecret = await _server.RegisterAsync(null, "client_secret_basic");
        using OidcConnection uriConnection = await _server.ConnectAsync(byUri);
        using OidcConnection secretConnection = await _server.ConnectAsync(bySecret);
        string uriBefore = await _server.MetadataAsync(byUri, byUri.RegistrationAccessToken);
        string secretBefore = await _server.MetadataAsync(bySecret, bySecret.RegistrationAccessToken);

        PsCredRotateException uri = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator(uriConnection).StartAsync(new RotationStartOptions(byUri.ClientId) { Key = next }, CancellationToken.None));
        PsCredRotateException secret = await Assert.ThrowsAsync<PsCredRotateException>(() => Rotator(secretConnection).StartAsync(new RotationStartOptions(bySecret.ClientId) { Key = next }, CancellationToken.None));

        Assert.Equal(ErrorIds.OidcClientUsesJwksUri, uri.ErrorId);
        Assert.Equal(ErrorIds.OidcClientNotPrivateKeyJwt, secret.ErrorId);
        Assert.Equal(uriBefore, await _server.MetadataAsync(byUri, byUri.RegistrationAccessToken));
        Assert.Equal(secretBefore, await _server.MetadataAsync(bySecret, bySecret.RegistrationAccessToken));
    }
}
