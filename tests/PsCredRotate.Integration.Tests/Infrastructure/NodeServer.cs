using System.Diagnostics;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>
/// A long-running node script of tests/interop (a third-party peer on loopback): started, read up
/// to its ready line, killed with its process tree on dispose. Fails with "run `npm ci` in
/// tests/interop" while the peer package is not installed.
/// </summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _node;

    private NodeServer(Process node, string readyValue)
    {
        _node = node;
        ReadyValue = readyValue;
    }

    /// <summary>What the script printed after its ready prefix (a URL or a port).</summary>
    public string ReadyValue { get; }

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

            throw new DirectoryNotFoundException("PsCredRotate.sln not found above the test assembly.");
        }
    }

    /// <summary>
    /// Starts <c>node <paramref name="script"/></c> with <paramref name="environment"/> and waits (30 s)
    /// for its first line, which must start with <paramref name="readyPrefix"/>.
    /// </summary>
    public static async Task<NodeServer> StartAsync(string script, string requiredPackage, string readyPrefix, IReadOnlyDictionary<string, string>? environment = null)
    {
        string interop = InteropDirectory;
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", requiredPackage)), "run `npm ci` in tests/interop");
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable.Key] = variable.Value;
        }

        Process node = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        _ = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await node.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith(readyPrefix, StringComparison.Ordinal))
        {
            node.Kill(entireProcessTree: true);
            node.Dispose();
            throw new InvalidOperationException($"{script} did not start: '{line}'.");
        }

        _ = node.StandardOutput.ReadToEndAsync();
        return new NodeServer(node, line[readyPrefix.Length..].Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }

        _node.Dispose();
    }
}
