namespace PsCredRotate.Core.Rotation;

/// <summary>
/// A connection whose clients' credentials the generic cmdlets (Get/Add/…-ClientCredential and the
/// rotation cmdlets) can manage: an Auth0 tenant today, an RFC 7592 registration next.
/// </summary>
public interface IClientCredentialConnection
{
    /// <summary>The provider the engine talks to.</summary>
    IClientCredentialProvider CredentialProvider { get; }
}
