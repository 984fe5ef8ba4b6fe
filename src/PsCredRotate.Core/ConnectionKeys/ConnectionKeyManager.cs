using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.ConnectionKeys;

/// <summary>
/// Get-ConnectionKey, New-ConnectionKey and Invoke-ConnectionKeyRotation: the connection is read
/// first, and one that is not oidc/okta (<see cref="ErrorIds.ConnectionKeysUnsupported"/>) or does
/// not authenticate upstream with private_key_jwt (<see cref="ErrorIds.ConnectionNotPrivateKeyJwt"/>,
/// for the writes) is refused before any write call. Each write asks the host first.
/// </summary>
public sealed class ConnectionKeyManager
{
    private readonly Auth0Connection _connection;
    private readonly IRotationHost _host;

    public ConnectionKeyManager(Auth0Connection connection, IRotationHost host)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _host = host ?? throw new ArgumentNullException(nameof(host));
    }

    /// <summary>The signing algorithms Auth0 accepts for connection keys.</summary>
    public static IReadOnlyList<string> SigningAlgorithms => ConnectionKeyWire.SigningAlgorithms;

    /// <summary>The connection's keys, current first, then next, then previous.</summary>
    public async Task<IReadOnlyList<ConnectionKey>> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        Auth0ConnectionInfo connection = await _connection.Management.GetConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        CheckStrategy(connection);
        return Ordered(await _connection.Management.ListConnectionKeysAsync(connection.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Provisions the connection's first keys (current and next); null when the host declined.</summary>
    public async Task<IReadOnlyList<ConnectionKey>?> ProvisionAsync(string connectionId, string? signingAlgorithm, CancellationToken cancellationToken)
    {
        CheckAlgorithm(signingAlgorithm);
        Auth0ConnectionInfo connection = await ReadWritableAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (!_host.ShouldProcess(Label(connection), $"Provision connection keys (a current and a next key, {signingAlgorithm ?? "RS256"})"))
        {
            return null;
        }

        return Ordered(await _connection.Management.ProvisionConnectionKeysAsync(connection.Id, signingAlgorithm, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Rotates: the next key becomes current, the current one previous, and a new next key is made.
    /// Returns every key after the rotation (read back); null when the host declined.
    /// </summary>
    public async Task<IReadOnlyList<ConnectionKey>?> RotateAsync(string connectionId, string? signingAlgorithm, CancellationToken cancellationToken)
    {
        CheckAlgorithm(signingAlgorithm);
        Auth0ConnectionInfo connection = await ReadWritableAsync(connectionId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ConnectionKey> before = await _connection.Management.ListConnectionKeysAsync(connection.Id, cancellationToken).ConfigureAwait(false);
        if (before.Count == 0)
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionKeysMissing,
                ErrorKind.InvalidOperation,
                $"The connection {Label(connection)} has no keys to rotate. Provision them first with New-ConnectionKey.",
                connection.Id);
        }

        string? next = before.FirstOrDefault(k => k.State == ConnectionKeyState.Next)?.Kid;
        string? current = before.FirstOrDefault(k => k.State == ConnectionKeyState.Current)?.Kid;
        string action = "Rotate the connection keys: "
            + (next is null ? "a new key becomes current" : $"the next key '{next}' becomes current (Auth0 signs with it from now on, so the upstream IdP must already trust it)")
            + (current is null ? string.Empty : $", the current key '{current}' becomes previous")
            + $", and a new next key ({signingAlgorithm ?? "RS256"}) is created";
        if (!_host.ShouldProcess(Label(connection), action))
        {
            return null;
        }

        ConnectionKey fresh = await _connection.Management.RotateConnectionKeysAsync(connection.Id, signingAlgorithm, cancellationToken).ConfigureAwait(false);
        _host.Verbose($"Rotated the keys of {Label(connection)}; the new next key is '{fresh.Kid}'.");
        return Ordered(await _connection.Management.ListConnectionKeysAsync(connection.Id, cancellationToken).ConfigureAwait(false));
    }

    private async Task<Auth0ConnectionInfo> ReadWritableAsync(string connectionId, CancellationToken cancellationToken)
    {
        Auth0ConnectionInfo connection = await _connection.Management.GetConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        CheckStrategy(connection);
        if (!string.Equals(connection.TokenEndpointAuthMethod, ConnectionKeyWire.PrivateKeyJwt, StringComparison.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionNotPrivateKeyJwt,
                ErrorKind.InvalidOperation,
                $"The connection {Label(connection)} authenticates to its identity provider with {connection.TokenEndpointAuthMethod ?? "no token endpoint method"}, not private_key_jwt: it uses no connection keys. Set its options.token_endpoint_auth_method to private_key_jwt first.",
                connection.Id);
        }

        return connection;
    }

    private static void CheckStrategy(Auth0ConnectionInfo connection)
    {
        if (!ConnectionKeyWire.KeyStrategies.Contains(connection.Strategy, StringComparer.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.ConnectionKeysUnsupported,
                ErrorKind.InvalidOperation,
                $"The connection {Label(connection)} uses the strategy '{connection.Strategy}'; Auth0 has connection keys only for {string.Join(" and ", ConnectionKeyWire.KeyStrategies)} connections.",
                connection.Id);
        }
    }

    private static void CheckAlgorithm(string? signingAlgorithm)
    {
        if (signingAlgorithm is not null && !ConnectionKeyWire.SigningAlgorithms.Contains(signingAlgorithm, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(signingAlgorithm), signingAlgorithm, "Auth0 accepts " + string.Join(", ", ConnectionKeyWire.SigningAlgorithms) + ".");
        }
    }

    private static string Label(Auth0ConnectionInfo connection) => $"'{connection.Name}' ({connection.Id})";

    private static IReadOnlyList<ConnectionKey> Ordered(IReadOnlyList<ConnectionKey> keys) =>
        keys.OrderBy(k => k.State switch
        {
            ConnectionKeyState.Current => 0,
            ConnectionKeyState.Next => 1,
            ConnectionKeyState.Previous => 2,
            _ => 3,
        }).ToList();
}
