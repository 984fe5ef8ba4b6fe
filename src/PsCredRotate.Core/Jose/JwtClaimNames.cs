namespace PsCredRotate.Core.Jose;

/// <summary>Registered JWT claim names (RFC 7519 §4.1).</summary>
public static class JwtClaimNames
{
    public const string Issuer = "iss";
    public const string Subject = "sub";
    public const string Audience = "aud";
    public const string JwtId = "jti";
    public const string IssuedAt = "iat";
    public const string NotBefore = "nbf";
    public const string ExpirationTime = "exp";
}
