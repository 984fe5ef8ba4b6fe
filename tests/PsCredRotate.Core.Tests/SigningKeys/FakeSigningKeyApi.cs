using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Core.Tests.SigningKeys;

/// <summary>An in-memory tenant with Auth0's signing-key rules (rotate: next → current → previous, new next; revoke only previous), recording every call.</summary>
internal sealed class FakeSigningKeyApi : ISigningKeyApi
{
    private int _serial;

    public FakeSigningKeyApi(DateTimeOffset now)
    {
        Now = now;
        Keys.Add(Key("K1", SigningKeyState.Current, since: now));
        Keys.Add(Key("K2", SigningKeyState.Next));
        _serial = 2;
    }

    public string Tenant => "tenant.example.com";

    public DateTimeOffset Now { get; set; }

    public List<SigningKey> Keys { get; } = new();

    public List<string> Calls { get; } = new();

    public IEnumerable<string> Writes => Calls.Where(c => c.StartsWith("POST", StringComparison.Ordinal) || c.StartsWith("PUT", StringComparison.Ordinal));

    /// <summary>The kids each JWKS serves (null key: the tenant's); default the tenant's rule (current, next, previous).</summary>
    public Dictionary<string, string[]> Jwks { get; } = new();

    public static SigningKey Key(string kid, SigningKeyState state, DateTimeOffset? since = null, DateTimeOffset? until = null, DateTimeOffset? revokedAt = null) =>
        new(kid, state, since, until, revokedAt, "AB", "A:B", null, "tenant.example.com");

    public Task<IReadOnlyList<SigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken)
    {
        Calls.Add("GET /keys/signing");
        return Task.FromResult<IReadOnlyList<SigningKey>>(Keys.ToList());
    }

    public Task<SigningKey> GetSigningKeyAsync(string kid, CancellationToken cancellationToken)
    {
        Calls.Add("GET /keys/signing/" + kid);
        return Task.FromResult(Keys.FirstOrDefault(k => k.Kid == kid) ?? throw new PsCredRotateException(ErrorIds.SigningKeyNotFound, ErrorKind.ObjectNotFound, "not found", kid));
    }

    public Task<string> RotateSigningKeyAsync(CancellationToken cancellationToken)
    {
        Calls.Add("POST /keys/signing/rotate");
        for (int i = 0; i < Keys.Count; i++)
        {
            SigningKey k = Keys[i];
            Keys[i] = k.State switch
            {
                SigningKeyState.Current => Key(k.Kid, SigningKeyState.Previous, k.CurrentSince, Now),
                SigningKeyState.Next => Key(k.Kid, SigningKeyState.Current, Now),
                _ => k,
            };
        }

        string kid = "K" + (++_serial).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Keys.Add(Key(kid, SigningKeyState.Next));
        return Task.FromResult(kid);
    }

    public Task<string> RevokeSigningKeyAsync(string kid, CancellationToken cancellationToken)
    {
        Calls.Add("PUT /keys/signing/" + kid + "/revoke");
        int i = Keys.FindIndex(k => k.Kid == kid);
        if (i < 0 || Keys[i].State != SigningKeyState.Previous)
        {
            throw new InvalidOperationException("the fake tenant refuses: " + kid);
        }

        Keys[i] = Key(kid, SigningKeyState.Revoked, Keys[i].CurrentSince, Keys[i].CurrentUntil, Now);
        return Task.FromResult(kid);
    }

    public Task<IReadOnlyList<string>> GetJwksKidsAsync(Uri? jwksUri, CancellationToken cancellationToken)
    {
        string name = jwksUri?.AbsoluteUri ?? "tenant";
        Calls.Add("GET jwks " + name);
        IReadOnlyList<string> served = Jwks.TryGetValue(name, out string[]? kids)
            ? kids
            : Keys.Where(k => k.State != SigningKeyState.Revoked).Select(k => k.Kid).ToList();
        return Task.FromResult(served);
    }
}

/// <summary>A host that records ShouldProcess and answers as told.</summary>
internal sealed class AnsweringHost : IRotationHost
{
    public AnsweringHost(bool answer = true, bool whatIf = false)
    {
        Answer = answer;
        WhatIf = whatIf;
    }

    public bool Answer { get; }

    public bool WhatIf { get; }

    public List<(string Target, string Action)> Asked { get; } = new();

    public List<string> Lines { get; } = new();

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add((target, action));
        return Answer && !WhatIf;
    }

    public bool ShouldContinue(string query, string caption) => Answer && !WhatIf;

    public void Verbose(string message) => Lines.Add(message);

    public void Debug(string message) => Lines.Add(message);

    public void Warning(string message) => Lines.Add(message);
}
