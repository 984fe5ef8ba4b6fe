using System;
using System.Diagnostics;

namespace PsCredRotate.Benchmarks;

/// <summary>Runs the openssl command line once and times the whole process, start to exit.</summary>
internal static class OpenSslProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed);

    public static Result Run(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("openssl could not be started.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit((int)timeout.TotalMilliseconds))
        {
            p.Kill(true);
            throw new TimeoutException($"openssl {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s.");
        }

        p.WaitForExit();
        clock.Stop();
        return new Result(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
