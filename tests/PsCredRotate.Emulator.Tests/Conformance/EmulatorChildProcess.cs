using System.Diagnostics;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// The emulator started as a separate process (`dotnet PsCredRotate.Emulator.dll ...`), for the
/// tests that must kill it hard. Reads the `ready url` line from its stdout.
/// </summary>
public sealed class EmulatorChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = new();

    private EmulatorChildProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Root URL with a trailing slash.</summary>
    public Uri BaseAddress { get; }

    public static string EmulatorDll => Path.Combine(AppContext.BaseDirectory, "PsCredRotate.Emulator.dll");

    public static async Task<EmulatorChildProcess> StartAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(EmulatorDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    throw new InvalidOperationException($"The emulator exited ({process.ExitCode}) before it was ready: {string.Join("\n", errors)}");
                }

                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = Task.Run(async () =>
                    {
                        while (await process.StandardOutput.ReadLineAsync() is not null)
                        {
                        }
                    });
                    return new EmulatorChildProcess(process, new Uri(line["ready ".Length..].Trim().TrimEnd('/') + "/"));
                }
            }
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, nothing the emulator can react to.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
