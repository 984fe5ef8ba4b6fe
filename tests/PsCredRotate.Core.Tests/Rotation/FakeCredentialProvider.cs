using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

/// <summary>What a fault rule does to one call.</summary>
internal enum Fault
{
    None,

    /// <summary>Throw a transient ApiException (503) before applying.</summary>
    Before,

    /// <summary>Apply the change, then throw a transient ApiException (the answer was lost).</summary>
    After,
}

/// <summary>One recorded call.</summary>
internal sealed record FakeCall(int Number, string Operation, string ClientId, string Detail);

/// <summary>
/// An in-memory provider that enforces Auth0's rules: at most MaxAttached attached to
/// private_key_jwt, MaxStored stored, a kid unique per client, one authentication method at a time,
/// deleting an attached credential refused, attaching an unknown id refused. It records every call,
/// checks the attached count after every change, and can inject faults and run a hook after each call.
/// </summary>
internal sealed class FakeCredentialProvider : IClientCredentialProvider, IClientCredentialPermissionCheck
{
    private readonly object _gate = new();
    private readonly Dictionary<string, FakeClient> _clients = new(StringComparer.Ordinal);
    private int _nextId;

    public FakeCredentialProvider(CredentialPolicy? policy = null)
    {
        Policy = policy ?? CredentialPolicy.Auth0;
    }

    public string Name => "Fake";

    public CredentialPolicy Policy { get; }

    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public List<FakeCall> Calls { get; } = new();

    /// <summary>Decides a fault for a call (number, operation). Default none.</summary>
    public Func<int, string, Fault> Faults { get; set; } = (_, _) => Fault.None;

    /// <summary>Runs after every call that reached the server (number, operation), e.g. to cancel the caller.</summary>
    public Action<int, string>? AfterCall { get; set; }

    /// <summary>Operations the server answers with 403 (a missing scope), checked at call time.</summary>
    public HashSet<string> Forbidden { get; } = new(StringComparer.Ordinal);

    /// <summary>When true, <see cref="EnsurePermitted"/> refuses step kinds that need a <see cref="Forbidden"/> operation (like a token's scopes).</summary>
    public bool ChecksPermissions { get; set; }

    /// <summary>Every kind list the engine asked about.</summary>
    public List<IReadOnlyCollection<RotationStepKind>> PermissionChecks { get; } = new();

    public void EnsurePermitted(IReadOnlyCollection<RotationStepKind> steps)
    {
        PermissionChecks.Add(steps);
        if (!ChecksPermissions)
        {
            return;
        }

        foreach (RotationStepKind kind in steps)
        {
            string operation = kind switch
            {
                RotationStepKind.Create => "Add",
                RotationStepKind.SetAttached => "SetAttached",
                RotationStepKind.RestoreAuthenticationMethod => "Restore",
                RotationStepKind.Prune or RotationStepKind.Delete => "Delete",
                _ => "Test",
            };
            if (Forbidden.Contains(operation))
            {
                throw new PsCredRotateException(ErrorIds.InsufficientScope, ErrorKind.PermissionDenied, $"The connection may not {operation} (scope missing).", operation);
            }
        }
    }

    /// <summary>Kids the token endpoint refuses (like the emulator's token-refusals hook).</summary>
    public HashSet<string> RefusedKids { get; } = new(StringComparer.Ordinal);

    /// <summary>Every attached count a private_key_jwt client had after a change (for "never 0, never more than 2").</summary>
    public List<(string ClientId, int Attached, int Working)> AttachedHistory { get; } = new();

    public int ManagementCalls(string? operation = null) => Calls.Count(c => c.Operation != "Test" && (operation is null || c.Operation == operation));

    public int TestCalls => Calls.Count(c => c.Operation == "Test");

    // ------------------------------------------------------------ arrangement

    public FakeClient AddClient(string clientId, ClientAuthenticationMethod method = ClientAuthenticationMethod.PrivateKeyJwt, string? name = null)
    {
        lock (_gate)
        {
            var client = new FakeClient(clientId, name ?? clientId, method);
            _clients[clientId] = client;
            return client;
        }
    }

    /// <summary>Stores a credential for <paramref name="key"/> directly (no call recorded).</summary>
    public ClientCredential Seed(string clientId, RotationKey key, bool attached, DateTimeOffset? expiresAt = null, DateTimeOffset? createdAt = null, string? name = null)
    {
        lock (_gate)
        {
            FakeClient client = _clients[clientId];
            var record = new FakeCredential("cred_" + (++_nextId).ToString("D4"), key.Kid, name ?? "seeded", key.Algorithm.ToString(), createdAt ?? Clock().AddDays(-30), expiresAt);
            client.Credentials.Add(record);
            if (attached)
            {
                client.Attached.Add(record.Id);
            }

            return ToCredential(client, record);
        }
    }

    public ClientCredentialState Snapshot(string clientId)
    {
        lock (_gate)
        {
            return State(_clients[clientId]);
        }
    }

    /// <summary>A comparable text of the client's state (ids, kids, attached order, method, expiries).</summary>
    public string SnapshotText(string clientId)
    {
        lock (_gate)
        {
            FakeClient c = _clients[clientId];
            return $"{c.Method} attached=[{string.Join(",", c.Attached)}] stored=[{string.Join(",", c.Credentials.Select(x => $"{x.Id}:{x.Kid}:{x.ExpiresAt?.ToUnixTimeSeconds()}"))}]";
        }
    }

    /// <summary>Kids only (ids differ between runs): method, attached kids in order, stored kids sorted.</summary>
    public string KidText(string clientId)
    {
        lock (_gate)
        {
            FakeClient c = _clients[clientId];
            string Kid(string id) => c.Credentials.First(x => x.Id == id).Kid;
            return $"{c.Method} attached=[{string.Join(",", c.Attached.Select(Kid))}] stored=[{string.Join(",", c.Credentials.Select(x => x.Kid).OrderBy(k => k, StringComparer.Ordinal))}]";
        }
    }

    // ------------------------------------------------------------ the provider

    public Task<ClientCredentialState> ReadAsync(string clientId, CancellationToken cancellationToken) =>
        Call("Read", clientId, string.Empty, cancellationToken, client => State(client), mutates: false);

    public Task<ClientCredential> AddAsync(string clientId, NewClientCredential credential, CancellationToken cancellationToken) =>
        Call("Add", clientId, credential.Key.Kid, cancellationToken, client =>
        {
            if (client.Credentials.Any(c => c.Kid == credential.Key.Kid))
            {
                throw new PsCredRotateException(ErrorIds.CredentialExists, ErrorKind.ResourceExists, "A credential with this kid exists.", credential.Key.Kid);
            }

            if (client.Credentials.Count >= Policy.MaxStored)
            {
                throw BadRequest("POST", $"A client can have a maximum of {Policy.MaxStored} credentials.");
            }

            if (credential.Key.HasPrivateKey && credential.Name is { } n && n.Length > 128)
            {
                throw BadRequest("POST", "name too long");
            }

            DateTimeOffset? expiry = credential.ParseExpiryFromCertificate ? credential.Key.NotAfter : credential.ExpiresAt;
            var record = new FakeCredential("cred_" + (++_nextId).ToString("D4"), credential.Key.Kid, credential.Name, credential.Key.Algorithm.ToString(), Clock(), expiry);
            client.Credentials.Add(record);
            return ToCredential(client, record);
        });

    public Task<IReadOnlyList<string>> SetAttachedAsync(string clientId, IReadOnlyList<string> credentialIds, CancellationToken cancellationToken) =>
        Call("SetAttached", clientId, string.Join(",", credentialIds), cancellationToken, client =>
        {
            if (credentialIds.Count > Policy.MaxAttached)
            {
                throw BadRequest("PATCH", $"Array is too long ({credentialIds.Count}), maximum {Policy.MaxAttached}");
            }

            if (credentialIds.Any(id => client.Credentials.All(c => c.Id != id)))
            {
                throw BadRequest("PATCH", "One or more of the credentials do not exist");
            }

            client.Method = ClientAuthenticationMethod.PrivateKeyJwt;
            client.Attached.Clear();
            client.Attached.AddRange(credentialIds);
            return (IReadOnlyList<string>)client.Attached.ToList();
        });

    public Task RestoreAuthenticationMethodAsync(string clientId, ClientAuthenticationMethod method, CancellationToken cancellationToken) =>
        Call("Restore", clientId, method.ToString(), cancellationToken, client =>
        {
            client.Method = method;
            client.Attached.Clear();
            return true;
        });

    public Task<ClientCredential> SetExpiryAsync(string clientId, string credentialId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        Call("SetExpiry", clientId, credentialId, cancellationToken, client =>
        {
            FakeCredential record = client.Credentials.FirstOrDefault(c => c.Id == credentialId)
                ?? throw new ApiException(ErrorIds.CredentialNotFound, ErrorKind.ObjectNotFound, "Credential does not exist", "PATCH", "/credentials", 404, null, null, credentialId);
            record.ExpiresAt = expiresAt;
            // As Auth0: the PATCH answer is the credential record, which does not say whether it is attached.
            return ToCredential(client, record).WithAttached(false);
        });

    public Task DeleteAsync(string clientId, string credentialId, CancellationToken cancellationToken) =>
        Call("Delete", clientId, credentialId, cancellationToken, client =>
        {
            if (client.Attached.Contains(credentialId))
            {
                throw BadRequest("DELETE", "Cannot delete credential still associated with a client");
            }

            client.Credentials.RemoveAll(c => c.Id == credentialId);
            return true;
        });

    /// <summary>Thrown by every token request when set (a request that could not be made).</summary>
    public Exception? TestException { get; set; }

    public Task<ClientCredentialTestResult> TestAsync(string clientId, RotationKey key, string? audience, CancellationToken cancellationToken) =>
        Call("Test", clientId, key.Kid, cancellationToken, client =>
        {
            if (TestException is not null)
            {
                throw TestException;
            }

            FakeCredential? record = client.Credentials.FirstOrDefault(c => c.Kid == key.Kid);
            bool ok = key.HasPrivateKey
                && client.Method == ClientAuthenticationMethod.PrivateKeyJwt
                && record is not null
                && client.Attached.Contains(record.Id)
                && !(record.ExpiresAt <= Clock())
                && !RefusedKids.Contains(key.Kid);
            DateTimeOffset now = Clock();
            return ok
                ? new ClientCredentialTestResult(clientId, key.Kid, audience, true, now.AddHours(1), 200, null, null, now)
                : new ClientCredentialTestResult(clientId, key.Kid, audience, false, null, 401, "invalid_client", "Invalid client assertion", now);
        }, mutates: false);

    // ------------------------------------------------------------ machinery

    private Task<T> Call<T>(string operation, string clientId, string detail, CancellationToken cancellationToken, Func<FakeClient, T> apply, bool mutates = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int number;
        T result;
        Fault fault;
        lock (_gate)
        {
            number = Calls.Count + 1;
            Calls.Add(new FakeCall(number, operation, clientId, detail));
            fault = Faults(number, operation);
            if (Forbidden.Contains(operation))
            {
                throw new ApiException(ErrorIds.InsufficientScope, ErrorKind.PermissionDenied, $"403: Insufficient scope for {operation}.", operation, "/fake", 403, "insufficient_scope", "Insufficient scope");
            }

            if (fault == Fault.Before)
            {
                throw Transient(operation);
            }

            if (!_clients.TryGetValue(clientId, out FakeClient? client))
            {
                throw new ApiException(ErrorIds.ClientNotFound, ErrorKind.ObjectNotFound, $"Client '{clientId}' not found.", "GET", "/clients/" + clientId, 404, "inexistent_client", "The client does not exist", clientId);
            }

            result = apply(client);
            if (mutates)
            {
                Record(client);
            }
        }

        AfterCall?.Invoke(number, operation);
        if (fault == Fault.After)
        {
            throw Transient(operation);
        }

        return Task.FromResult(result);
    }

    private void Record(FakeClient client)
    {
        if (client.Method == ClientAuthenticationMethod.PrivateKeyJwt)
        {
            DateTimeOffset now = Clock();
            int working = client.Attached.Count(id => client.Credentials.First(c => c.Id == id) is var c && !(c.ExpiresAt <= now));
            AttachedHistory.Add((client.Id, client.Attached.Count, working));
        }
    }

    private static ApiException Transient(string operation) =>
        new(ErrorIds.ApiServerError, ErrorKind.ConnectionError, $"503 from {operation} (injected).", operation, "/fake", 503, null, "Service Unavailable");

    private static ApiException BadRequest(string method, string message) =>
        new(ErrorIds.ApiBadRequest, ErrorKind.InvalidArgument, "400: " + message, method, "/fake", 400, "invalid_body", message);

    private ClientCredentialState State(FakeClient client) =>
        new(
            client.Id,
            client.Name,
            client.Method,
            client.Method == ClientAuthenticationMethod.PrivateKeyJwt ? client.Attached.ToList() : new List<string>(),
            client.Credentials.Select(c => ToCredential(client, c)).ToList());

    private ClientCredential ToCredential(FakeClient client, FakeCredential c) =>
        new(client.Id, c.Id, c.Kid, c.Name, c.Algorithm, "public_key", client.Method == ClientAuthenticationMethod.PrivateKeyJwt && client.Attached.Contains(c.Id), c.CreatedAt, c.CreatedAt, c.ExpiresAt, Name);

    internal sealed class FakeClient
    {
        public FakeClient(string id, string name, ClientAuthenticationMethod method)
        {
            Id = id;
            Name = name;
            Method = method;
        }

        public string Id { get; }

        public string Name { get; }

        public ClientAuthenticationMethod Method { get; set; }

        public List<string> Attached { get; } = new();

        public List<FakeCredential> Credentials { get; } = new();
    }

    internal sealed class FakeCredential
    {
        public FakeCredential(string id, string kid, string? name, string algorithm, DateTimeOffset createdAt, DateTimeOffset? expiresAt)
        {
            Id = id;
            Kid = kid;
            Name = name;
            Algorithm = algorithm;
            CreatedAt = createdAt;
            ExpiresAt = expiresAt;
        }

        public string Id { get; }

        public string Kid { get; }

        public string? Name { get; }

        public string Algorithm { get; }

        public DateTimeOffset CreatedAt { get; }

        public DateTimeOffset? ExpiresAt { get; set; }
    }
}

/// <summary>A host that records every ShouldProcess/ShouldContinue and log line, with scripted answers.</summary>
internal sealed class RecordingHost : IRotationHost
{
    private readonly object _gate = new();

    public bool WhatIf { get; set; }

    public Func<string, string, bool> Answer { get; set; } = (_, _) => true;

    public bool ContinueAnswer { get; set; } = true;

    public List<(string Target, string Action)> Processed { get; } = new();

    public List<string> Continued { get; } = new();

    public List<string> Log { get; } = new();

    public bool ShouldProcess(string target, string action)
    {
        lock (_gate)
        {
            Processed.Add((target, action));
        }

        return !WhatIf && Answer(target, action);
    }

    public bool ShouldContinue(string query, string caption)
    {
        lock (_gate)
        {
            Continued.Add(query);
        }

        return ContinueAnswer;
    }

    public void Verbose(string message)
    {
        lock (_gate)
        {
            Log.Add(message);
        }
    }

    public void Debug(string message) => Verbose(message);

    public void Warning(string message) => Verbose(message);
}

/// <summary>Shared RSA keys (generation is slow): distinct keys by index, never disposed.</summary>
internal static class RotationKeys
{
    private static readonly Lazy<RotationKey>[] Keys = Enumerable.Range(0, 8)
        .Select(_ => new Lazy<RotationKey>(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 })))
        .ToArray();

    public static RotationKey Get(int index) => Keys[index].Value;
}
