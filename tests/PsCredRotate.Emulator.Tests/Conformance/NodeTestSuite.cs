using System.Diagnostics;

namespace PsCredRotate.Emulator.Tests.Conformance;

/// <summary>
/// Runs one node:test suite of tests/interop (third-party peers, pinned by its lockfile) against an
/// emulator and asserts it passed: exit code 0 and "# fail 0" in node's TAP summary. Fails with
/// "run `npm ci` in tests/interop" while the peer package is not installed.
/// </summary>
internal static class NodeTestSuite
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>tests/interop, found upwards from the test assembly (the folder holding PsCredRotate.sln).</summary>
    public static string InteropDirectory
    {
        get
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "PsCredRotate.sln")))
                {
                    return Path.Combine(d.FullName, "tests", "interop");
                }
            }

            throw new DirectoryNotFoundException("PsCredRotate.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Asserts that <paramref name="package"/> (a path under node_modules) is installed.</summary>
    public static void RequirePackage(string package) =>
        Assert.True(Directory.Exists(Path.Combine(InteropDirectory, "node_modules", package)), "run `npm ci` in tests/interop");

    /// <summary>Runs <c>node --test <paramref name="file"/></c> with <paramref name="environment"/>; returns its output once it passed.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--test");
        info.ArgumentList.Add(file);
        foreach (KeyValuePair<string, string> variable in environment)
        {
            info.Environment[variable.Key] = variable.Value;
        }

        using Process node = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout + await stderr;
        Assert.True(node.ExitCode == 0, $"node --test exited {node.ExitCode}:\n{output}");
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        return output;
    }
}
