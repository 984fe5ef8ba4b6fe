namespace PsCredRotate.Core.Rotation;

/// <summary>How a client proves its identity at the token endpoint. Auth0 allows one method at a time.</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>No authentication (public clients).</summary>
    None,

    /// <summary>A client secret in the body (<c>client_secret_post</c>).</summary>
    ClientSecretPost,

    /// <summary>A client secret in HTTP Basic (<c>client_secret_basic</c>).</summary>
    ClientSecretBasic,

    /// <summary>A signed client assertion (<c>private_key_jwt</c>), with the attached credentials.</summary>
    PrivateKeyJwt,

    /// <summary>Mutual TLS with a CA-issued certificate (<c>tls_client_auth</c>).</summary>
    TlsClientAuth,

    /// <summary>Mutual TLS with a self-signed certificate (<c>self_signed_tls_client_auth</c>).</summary>
    SelfSignedTlsClientAuth,
}
