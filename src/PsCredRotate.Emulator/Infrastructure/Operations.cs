namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>Rate limiting, fault injection, request hygiene and the /_emulator/ admin area.</summary>
public static class Operations
{
    public static void AddEmulatorOperations(this IServiceCollection services, EmulatorOptions options)
    {
        // Filled in by the operations work (issue 3).
    }

    /// <summary>Middleware that runs before every endpoint.</summary>
    public static void UseEmulatorOperations(this WebApplication app)
    {
        // Filled in by the operations work (issue 3).
    }

    /// <summary>/_emulator/ endpoints; only when started with --admin.</summary>
    public static void MapEmulatorAdmin(this WebApplication app)
    {
        // Filled in by the operations work (issue 3).
    }
}
