namespace PsCredRotate.Core.Jose;

/// <summary>JOSE header parameter names (RFC 7515 §4.1) and the values PsCredRotate writes.</summary>
public static class JoseHeaderNames
{
    public const string Algorithm = "alg";
    public const string KeyId = "kid";
    public const string Type = "typ";

    /// <summary>The <c>typ</c> value of a JWT (RFC 7519 §5.1).</summary>
    public const string JwtType = "JWT";
}
