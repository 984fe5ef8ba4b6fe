using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.ConnectionKeys;

/// <summary>Auth0's wire names for connections and their keys, and the reading of its answers.</summary>
internal static class ConnectionKeyWire
{
    public const string Id = "id";
    public const string Name = "name";
    public const string Strategy = "strategy";
    public const string Options = "options";
    public const string TokenEndpointAuthMethod = "token_endpoint_auth_method";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string SigningAlg = "signing_alg";
    public const string InexistentConnection = "inexistent_connection";

    /// <summary>The strategies whose connections have keys (Auth0: "for the Okta or OIDC connection strategies").</summary>
    public static readonly IReadOnlyList<string> KeyStrategies = new[] { "oidc", "okta" };

    /// <summary>The signing algorithms Auth0 accepts for connection keys.</summary>
    public static readonly IReadOnlyList<string> SigningAlgorithms = new[] { "RS256", "RS384", "RS512", "PS256", "PS384", "ES256", "ES384" };

    public static Auth0ConnectionInfo ReadConnection(JsonElement o)
    {
        string id = Text(o, Id) ?? throw new FormatException("a connection without id");
        string? method = o.TryGetProperty(Options, out JsonElement options) && options.ValueKind == JsonValueKind.Object ? Text(options, TokenEndpointAuthMethod) : null;
        return new Auth0ConnectionInfo(id, Text(o, Name), Text(o, Strategy) ?? string.Empty, method);
    }

    public static IReadOnlyList<ConnectionKey> ReadKeys(JsonElement root, string connectionId)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the key list is not an array");
        }

        return root.EnumerateArray().Select(e => ReadKey(e, connectionId)).ToList();
    }

    public static ConnectionKey ReadKey(JsonElement o, string connectionId)
    {
        if (o.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a connection key is not an object");
        }

        string kid = Text(o, "kid") ?? throw new FormatException("a connection key without kid");
        ConnectionKeyState state = Flag(o, "current") ? ConnectionKeyState.Current
            : Flag(o, "next") ? ConnectionKeyState.Next
            : Flag(o, "previous") ? ConnectionKeyState.Previous
            : ConnectionKeyState.Unknown;
        string? cert = Text(o, "cert");
        return new ConnectionKey(
            connectionId,
            kid,
            state,
            Text(o, "algorithm"),
            Text(o, "key_use"),
            Text(o, "thumbprint"),
            Text(o, "fingerprint"),
            Text(o, "subject_dn"),
            Instant(Text(o, "current_since")),
            NotAfter(cert),
            cert);
    }

    /// <summary>The certificate's notAfter; null when it is missing or cannot be read (the key is still listed).</summary>
    internal static DateTimeOffset? NotAfter(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        try
        {
            PemBlock? block = PemReader.Read(pem!).FirstOrDefault(b => b.Label == "CERTIFICATE");
            return block is null ? null : KeyCertificate.FromDer(block.Der).NotAfter;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or PsCredRotateException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DateTimeOffset? Instant(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value) ? value : null;

    private static bool Flag(JsonElement o, string name) => o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>The parts of an Auth0 connection the key cmdlets check: strategy and the upstream authentication method.</summary>
public sealed class Auth0ConnectionInfo
{
    public Auth0ConnectionInfo(string id, string? name, string strategy, string? tokenEndpointAuthMethod)
    {
        Id = id;
        Name = name;
        Strategy = strategy;
        TokenEndpointAuthMethod = tokenEndpointAuthMethod;
    }

    public string Id { get; }

    public string? Name { get; }

    public string Strategy { get; }

    /// <summary>options.token_endpoint_auth_method (private_key_jwt or client_secret_post …); null when not set.</summary>
    public string? TokenEndpointAuthMethod { get; }

    public override string ToString() => $"{Name} ({Id})";
}
