namespace PsCredRotate.Emulator.Auth0;

/// <summary>Registers and maps the Auth0 surface (Authentication API and Management API v2).</summary>
public static class Auth0Tenant
{
    public static void AddAuth0Tenant(this IServiceCollection services, EmulatorOptions options)
    {
        // Filled in by the Auth0 surface work (issue 3).
    }

    public static void MapAuth0Tenant(this WebApplication app)
    {
        // Filled in by the Auth0 surface work (issue 3).
    }
}
