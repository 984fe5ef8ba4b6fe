using System;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace PsCredRotate.Core.Tests.Infrastructure;

/// <summary>
/// Runs the openssl command line as an independent implementation. CI installs openssl (.ci/run);
/// a test that needs it fails loudly when it is missing rather than passing silently.
/// </summary>
internal static class OpenSsl
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public Result EnsureSuccess()
        {
            if (ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl exited {ExitCode}: {StdErr}");
            }

            return this;
        }
    }

    /// <summary>Runs <c>openssl args...</c> with the given standard input; waits at most 60 s.</summary>
    public static Result RunWithInput(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("openssl could not be started; install it (apt-get install openssl).");
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }

        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException("openssl did not finish in 60 s: " + string.Join(' ', args));
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <c>openssl args...</c> with an empty standard input.</summary>
    public static Result Run(params string[] args) => RunWithInput(null, args);
}

/// <summary>A temporary directory removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pscr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        string f = File(name);
        System.IO.File.WriteAllText(f, content, new UTF8Encoding(false));
        return f;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
