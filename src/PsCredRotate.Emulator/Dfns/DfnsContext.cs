using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PsCredRotate.Emulator.Auth0.Model;
using PsCredRotate.Emulator.Infrastructure;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator.Dfns;

/// <summary>What every Dfns endpoint needs: the state, the clock, the sessions, bearer authentication.</summary>
public sealed class DfnsContext
{
    private readonly EmulatorOptions _options;

    public DfnsContext(StateStore<TenantState> store, EmulatorClock clock, EmulatorOptions options)
    {
        Store = store;
        Clock = clock;
        _options = options;
    }

    public StateStore<TenantState> Store { get; }

    public EmulatorClock Clock { get; }

    public DfnsSessions Sessions { get; } = new();

    public DfnsEventLog Events { get; } = new();

    /// <summary>Now, to the millisecond.</summary>
    public DateTimeOffset Now => Auth0.Crypto.KeyMaterial.Millis(Clock.UtcNow);

    public T Read<T>(Func<DfnsState, T> read) => Store.Read(s => read(s.Dfns ?? new DfnsState()));

    public T Write<T>(Func<DfnsState, T> write) => Store.Write(s => write(s.Dfns ??= new DfnsState()));

    public bool ServiceAccountsMayCreateCredentials(DfnsState state) =>
        state.ServiceAccountsMayCreateCredentials ?? _options.DfnsServiceAccountsMayCreateCredentials;

    /// <summary>The caller named by <c>Authorization: Bearer</c>; 401 otherwise.</summary>
    public DfnsUser Authenticate(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        const string Prefix = "Bearer ";
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || header.Length == Prefix.Length)
        {
            throw DfnsApiException.Unauthorized("Missing or malformed Authorization header: expected 'Bearer <token>'.");
        }

        string token = header[Prefix.Length..].Trim();
        return Read(s => s.FindUserByToken(token))
            ?? throw DfnsApiException.Unauthorized("The authentication token is invalid or was revoked.");
    }

    /// <summary>A Dfns-style id: prefix, then three dash-separated groups of lowercase base32 (e.g. cr-3v1ag-v6b36-9s5ba0b8d5sofr4b).</summary>
    public static string NewId(string prefix)
    {
        const string Alphabet = "0123456789abcdefghijklmnopqrstuv";
        Span<byte> random = stackalloc byte[26];
        RandomNumberGenerator.Fill(random);
        var sb = new StringBuilder(prefix).Append('-');
        for (int i = 0; i < random.Length; i++)
        {
            if (i is 5 or 10)
            {
                sb.Append('-');
            }

            sb.Append(Alphabet[random[i] & 31]);
        }

        return sb.ToString();
    }

    /// <summary>Random bytes as base64url (credIds, secrets).</summary>
    public static string RandomBase64Url(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>A JWT-shaped opaque value (tokens and challenge identifiers look like Dfns's); only its exact text matters here.</summary>
    public static string OpaqueJwt(object claims)
    {
        string header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "EdDSA", typ = "JWT" }));
        string payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        return header + "." + payload + "." + RandomBase64Url(64);
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes base64url (padding optional); null when it is not base64url.</summary>
    public static byte[]? FromBase64Url(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        string s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
