namespace PsCredRotate.Core.Keys;

/// <summary>JWS algorithms (RFC 7518 names) a rotation key can sign with.</summary>
public enum KeyAlgorithm
{
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

/// <summary>JWK key types (RFC 7517 <c>kty</c>).</summary>
public enum KeyType
{
    RSA,
    EC,
    OKP,
}
