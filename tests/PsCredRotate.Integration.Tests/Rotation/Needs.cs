namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>Skip reasons while a dependency is not merged yet.</summary>
internal static class Needs
{
    public const string Auth0ClientAndEngine = "needs the Auth0 client (branch auth0-client) and the engine (branch engine) merged";

    /// <summary>Engine gap found by the crash test: interrupted right after the final DELETE, the rerun with the same -Retire throws RetireCredentialNotAttached (the retired credential is gone) instead of reporting the rotation complete.</summary>
    public const string EngineRetireRerun = "engine: a rerun after the final DELETE refuses its own -Retire (RetireCredentialNotAttached) although the rotation is complete";
}
