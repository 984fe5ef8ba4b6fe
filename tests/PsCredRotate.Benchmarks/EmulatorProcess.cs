using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// The emulator as a child process (its built PsCredRotate.Emulator.dll, Release preferred), and the
/// command-line helpers the measured runs share.
/// </summary>
internal sealed class EmulatorProcess : IDisposable
{
    private EmulatorProcess(Process process, string url)
    {
        Process = process;
        Url = url;
    }

    public Process Process { get; }

    /// <summary>The root URL without a trailing slash, e.g. http://127.0.0.1:43121.</summary>
    public string Url { get; }

    /// <summary>Starts <c>dotnet DLL --urls http://127.0.0.1:0 ARGS…</c> and waits for its ready line.</summary>
    public static EmulatorProcess Start(string dll, IEnumerable<string>? arguments = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (string argument in arguments ?? Array.Empty<string>())
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("ready ", StringComparison.Ordinal))
            {
                _ = Task.Run(() => process.StandardOutput.ReadToEnd());
                return new EmulatorProcess(process, line["ready ".Length..].Trim());
            }
        }

        process.Dispose();
        throw new InvalidOperationException("The emulator exited before printing its ready line.");
    }

    /// <summary>The emulator's build output under the repository (Release preferred).</summary>
    public static string FindDll()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PsCredRotate.sln")))
            {
                foreach (string configuration in new[] { "Release", "Debug" })
                {
                    string dll = Path.Combine(d.FullName, "src", "PsCredRotate.Emulator", "bin", configuration, "net8.0", "PsCredRotate.Emulator.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }

                throw new FileNotFoundException("Build the emulator first: dotnet build -c Release src/PsCredRotate.Emulator");
            }
        }

        throw new DirectoryNotFoundException("PsCredRotate.sln not found; pass --emulator-dll PATH.");
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit(10_000);
        }

        Process.Dispose();
    }

    public static int ReadInt(string[] args, string name, int fallback) =>
        ReadString(args, name) is string s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public static double ReadDouble(string[] args, string name, double fallback) =>
        ReadString(args, name) is string s ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public static string? ReadString(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
