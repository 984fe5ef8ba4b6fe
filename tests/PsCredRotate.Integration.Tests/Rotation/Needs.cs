namespace PsCredRotate.Integration.Tests.Rotation;

/// <summary>Skip reasons: engine gaps these tests found (branch engine), until fixed.</summary>
internal static class Needs
{
    /// <summary>
    /// Engine gap found by the crash test: interrupted right after the final DELETE (or simply run
    /// twice), an Invoke with the same -Retire throws RetireCredentialNotAttached at Start (the retired
    /// credential is gone) instead of reporting the rotation complete, as Complete already does.
    /// </summary>
    public const string EngineRetireRerun = "engine: a rerun after the final DELETE refuses its own -Retire (RetireCredentialNotAttached) although the rotation is complete";
}
