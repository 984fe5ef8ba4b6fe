using System.Diagnostics;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off), so a test can run the engine in a
/// separate process and kill it: <c>dotnet PsCredRotate.Integration.Tests.dll rotate DOMAIN CLIENT KEYPATH AUDIENCE PAUSE_AFTER</c>
/// with the management client in AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET. It runs an Invoke with
/// -KeyPath and, right after its PAUSE_AFTER-th step was answered, prints "paused N" and waits to be
/// killed; a finished run prints "completed".
/// </summary>
public static class EngineProcess
{
    public const string Verb = "rotate";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 6 || args[0] != Verb)
        {
            await Console.Error.WriteLineAsync($"usage: {Verb} DOMAIN CLIENT KEYPATH AUDIENCE PAUSE_AFTER");
            return 2;
        }

        int pauseAfter = int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
        using var recorder = new RequestRecorder
        {
            AfterStep = async (_, step) =>
            {
                if (step == pauseAfter)
                {
                    Console.Out.WriteLine("paused " + step.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Console.Out.Flush();
                    await Task.Delay(Timeout.Infinite);
                }
            },
        };
        using Auth0Connection connection = Auth0Connection.Create(new Auth0ConnectionOptions
        {
            Domain = args[1],
            ClientId = Environment.GetEnvironmentVariable(Auth0ConnectionOptions.ClientIdVariable),
            ClientSecret = SecureStrings.FromString(Environment.GetEnvironmentVariable(Auth0ConnectionOptions.ClientSecretVariable) ?? string.Empty),
            Handler = recorder,
        });
        await connection.ConnectAsync(CancellationToken.None);
        var rotator = new ClientCredentialRotator(connection.CredentialProvider, new UnattendedRotationHost(), RotationTenant.FastSettings());
        ClientCredentialRotation rotation = await rotator.InvokeAsync(
            new RotationStartOptions(args[2]) { KeyPath = args[3], Audience = args[4] },
            (_, _) => Task.CompletedTask,
            keepPrevious: false,
            CancellationToken.None);
        Console.Out.WriteLine("completed " + rotation.Phase);
        return 0;
    }

    /// <summary>Starts the engine process against <paramref name="tenant"/>.</summary>
    public static Process Start(RotationTenant tenant, string clientId, string keyPath, int pauseAfter)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(EngineProcess).Assembly.Location);
        info.ArgumentList.Add(Verb);
        info.ArgumentList.Add("http://" + tenant.Server.Domain);
        info.ArgumentList.Add(clientId);
        info.ArgumentList.Add(keyPath);
        info.ArgumentList.Add(TenantSeedBuilder.Api);
        info.ArgumentList.Add(pauseAfter.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment[Auth0ConnectionOptions.ClientIdVariable] = tenant.Server.ManagementClientId;
        info.Environment[Auth0ConnectionOptions.ClientSecretVariable] = tenant.Server.ManagementClientSecret;
        info.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        return Process.Start(info) ?? throw new InvalidOperationException("The engine process did not start.");
    }
}
