using System;
using System.Security;

namespace PsCredRotate.Core.ClientSecrets;

/// <summary>
/// What Invoke-ClientSecretRotation did: the client, when, and where the new secret is. The secret
/// itself is only in <see cref="ClientSecret"/> (a SecureString; null when it went to
/// <see cref="OutFile"/>), never in <see cref="ToString"/>.
/// </summary>
public sealed class ClientSecretRotation
{
    public ClientSecretRotation(string clientId, string? name, string tenant, DateTimeOffset rotatedAt, SecureString? clientSecret, string? outFile)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        Name = name;
        Tenant = tenant ?? throw new ArgumentNullException(nameof(tenant));
        RotatedAt = rotatedAt;
        ClientSecret = clientSecret;
        OutFile = outFile;
    }

    public string ClientId { get; }

    public string? Name { get; }

    /// <summary>The tenant domain.</summary>
    public string Tenant { get; }

    /// <summary>When the old secret stopped working (the connection's clock at the answer).</summary>
    public DateTimeOffset RotatedAt { get; }

    /// <summary>The new client secret; null when it was written to <see cref="OutFile"/>.</summary>
    public SecureString? ClientSecret { get; }

    /// <summary>The full path of the owner-only file holding the new secret; null when none was asked for (or it could not be written).</summary>
    public string? OutFile { get; }

    public override string ToString() => $"Client secret of {Name} ({ClientId}) rotated at {RotatedAt:u}" + (OutFile is null ? string.Empty : " (written to " + OutFile + ")");
}

/// <summary>
/// The new secret could not be written to the file after Auth0 had already replaced the old one:
/// the secret is not lost, it is in <see cref="Rotation"/> (as a SecureString).
/// </summary>
public sealed class ClientSecretFileException : PsCredRotateException
{
    public ClientSecretFileException(string message, string target, ClientSecretRotation rotation, Exception inner)
        : base(ErrorIds.SecretFileWriteFailed, ErrorKind.WriteError, message, target, inner)
    {
        Rotation = rotation ?? throw new ArgumentNullException(nameof(rotation));
    }

    /// <summary>The rotation that happened, with the new secret in <see cref="ClientSecretRotation.ClientSecret"/>.</summary>
    public ClientSecretRotation Rotation { get; }
}
