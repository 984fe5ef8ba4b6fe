namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>Skip reasons while a dependency is not merged yet.</summary>
internal static class Needs
{
    public const string Auth0ClientAndEngine = "needs the Auth0 client (branch auth0-client) and the engine (branch engine) merged";
}
