using System;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.ClientSecrets;

/// <summary>
/// Invoke-ClientSecretRotation's logic. Reads the client, refuses a private_key_jwt client
/// (<see cref="ErrorIds.ClientUsesPrivateKeyJwt"/>) and a bad -OutFile before any write, warns that
/// Auth0 replaces the secret at once (no overlap), asks the host, then makes the one call
/// POST /clients/{id}/rotate-secret.
/// </summary>
public sealed class ClientSecretRotator
{
    /// <summary>The zero-downtime alternative the warning and the refusal name.</summary>
    public const string ZeroDowntimeAlternative = "Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch";

    private readonly Auth0Connection _connection;
    private readonly IRotationHost _host;

    public ClientSecretRotator(Auth0Connection connection, IRotationHost host)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _host = host ?? throw new ArgumentNullException(nameof(host));
    }

    /// <summary>The warning given before every rotation (also part of the confirmation text).</summary>
    public static string NoOverlapWarning(string client) =>
        $"Auth0 replaces the client secret of {client} at once: the old secret stops working the moment it is rotated, with no overlap, "
        + "so every service still using it fails until it has the new one. For a rotation without downtime, move the client to private_key_jwt "
        + $"({ZeroDowntimeAlternative}) and rotate its keys.";

    /// <summary>
    /// Rotates the secret of <paramref name="clientId"/>. With <paramref name="outFile"/> the secret
    /// goes to that file (owner-only) and not into the result. Null when the host declined
    /// (-WhatIf, or No at the confirmation): then nothing was changed.
    /// </summary>
    /// <exception cref="ClientSecretFileException">The secret was rotated but the file could not be written; the secret is in the exception's Rotation.</exception>
    public async Task<ClientSecretRotation?> RotateAsync(string clientId, string? outFile, bool overwrite, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new ArgumentException("A client id is required.", nameof(clientId));
        }

        string? target = outFile is null ? null : ClientSecretFile.CheckTarget(outFile, overwrite);
        Auth0Client client = await _connection.Management.GetClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        string label = $"'{client.Name}' ({client.ClientId})";
        if (client.AuthenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt)
        {
            throw new PsCredRotateException(
                ErrorIds.ClientUsesPrivateKeyJwt,
                ErrorKind.InvalidOperation,
                $"The client {label} authenticates with private_key_jwt, not a client secret: there is no secret to rotate. Rotate its keys instead (Invoke-ClientCredentialRotation or Start-ClientCredentialRotation).",
                client.ClientId);
        }

        string warning = NoOverlapWarning(label);
        _host.Warning(warning);
        if (!_host.ShouldProcess($"{client.Name} ({client.ClientId}) on {_connection.Domain}", "Rotate the client secret. " + warning))
        {
            return null;
        }

        SecureString secret = await _connection.Management.RotateClientSecretAsync(client.ClientId, cancellationToken).ConfigureAwait(false);
        DateTimeOffset rotatedAt = _connection.Now;
        _host.Verbose($"Rotated the client secret of {label}.");
        if (target is null)
        {
            return new ClientSecretRotation(client.ClientId, client.Name, _connection.Domain, rotatedAt, secret, null);
        }

        try
        {
            ClientSecretFile.Write(target, secret, overwrite);
        }
        catch (PsCredRotateException ex)
        {
            throw new ClientSecretFileException(
                $"The client secret of {label} was rotated, but it could not be written to '{target}': {ex.Message} The new secret is in the ClientSecret property of the result (a SecureString); the old secret no longer works.",
                target,
                new ClientSecretRotation(client.ClientId, client.Name, _connection.Domain, rotatedAt, secret, null),
                ex);
        }

        secret.Dispose();
        _host.Verbose($"Wrote the new client secret of {label} to '{target}' (owner-only).");
        return new ClientSecretRotation(client.ClientId, client.Name, _connection.Domain, rotatedAt, null, target);
    }
}
