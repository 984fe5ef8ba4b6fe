using System;
using System.Collections.Generic;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// An Auth0 application as Get-Auth0Client shows it. Never holds the client secret (the module
/// does not request or keep it). <see cref="ClientId"/> binds by name to every -ClientId.
/// </summary>
public sealed class Auth0Client
{
    public Auth0Client(
        string clientId,
        string? name,
        string? appType,
        ClientAuthenticationMethod authenticationMethod,
        IReadOnlyList<string> attachedCredentialIds,
        IReadOnlyList<string> grantTypes,
        string tenant)
    {
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        Name = name;
        AppType = appType;
        AuthenticationMethod = authenticationMethod;
        AttachedCredentialIds = attachedCredentialIds ?? Array.Empty<string>();
        GrantTypes = grantTypes ?? Array.Empty<string>();
        Tenant = tenant ?? throw new ArgumentNullException(nameof(tenant));
    }

    public string ClientId { get; }

    public string? Name { get; }

    /// <summary>Auth0 app_type: non_interactive, spa, native, regular_web, …</summary>
    public string? AppType { get; }

    public ClientAuthenticationMethod AuthenticationMethod { get; }

    /// <summary>Ids in client_authentication_methods.private_key_jwt.credentials.</summary>
    public IReadOnlyList<string> AttachedCredentialIds { get; }

    public IReadOnlyList<string> GrantTypes { get; }

    /// <summary>The tenant domain the client lives in.</summary>
    public string Tenant { get; }

    public override string ToString() => $"{Name} ({ClientId})";
}

/// <summary>Filters for listing clients (applied server-side where Auth0 can, else locally).</summary>
public sealed class Auth0ClientQuery
{
    /// <summary>Auth0 app types to keep (non_interactive, regular_web, …); empty: all.</summary>
    public IReadOnlyList<string> AppTypes { get; set; } = Array.Empty<string>();

    /// <summary>Authentication methods to keep; empty: all.</summary>
    public IReadOnlyList<ClientAuthenticationMethod> AuthenticationMethods { get; set; } = Array.Empty<ClientAuthenticationMethod>();

    /// <summary>Name wildcard (PowerShell-style * and ?), matched locally; null: all.</summary>
    public string? NamePattern { get; set; }
}
