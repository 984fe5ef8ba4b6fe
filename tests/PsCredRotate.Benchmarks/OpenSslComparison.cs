using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// <c>--compare-openssl</c>: measures RS256 signing and RSA-2048 key generation against the openssl
/// command line on the same machine and prints the ratios. A report, not a gate: it exits 0 when
/// the measurement ran, whatever the ratios.
/// Targets (issue 2): signing at least 0.85x openssl's sign/s; generation median within 1.3x.
/// </summary>
internal static class OpenSslComparison
{
    public const string Switch = "--compare-openssl";

    private const double SignTarget = 0.85;
    private const double GenerationTarget = 1.3;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] GenPkeyArgs = { "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048" };

    public static int Run(string[] args)
    {
        int count = ReadOption(args, "--count", 101);
        int seconds = ReadOption(args, "--seconds", 3);
        int rounds = ReadOption(args, "--rounds", 3);

        OpenSslProcess.Result version;
        try
        {
            version = OpenSslProcess.Run(TimeSpan.FromSeconds(30), "version");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine("openssl is not on PATH; nothing to compare against: " + ex.Message);
            return 1;
        }

        using (RSA probe = RSA.Create())
        {
            Console.WriteLine($"openssl CLI:   {version.StdOut.Trim()}");
            Console.WriteLine($".NET runtime:  {Environment.Version} ({probe.GetType().Name}{PlatformOpenSslVersion()})");
            Console.WriteLine($"Machine:       {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, load average {LoadAverage()}");
            Console.WriteLine("Both sides run single-threaded.");
            Console.WriteLine();
        }

        var signing = MeasureSigning(rounds, seconds);
        if (signing is null)
        {
            return 1;
        }

        var generation = MeasureGeneration(count);
        if (generation is null)
        {
            return 1;
        }

        Print(signing, generation, count, rounds, seconds);
        return 0;
    }

    private sealed record SigningFigures(
        List<double> OpenSslCpu, List<double> OpenSslWall, List<double> OursCpu, List<double> OursWall);

    private sealed record GenerationFigures(
        List<double> StartupWall, List<double> StartupCpu, List<double> OpenSslWall, List<double> OpenSslCpu, List<double> OursWall, List<double> OursCpu);

    /// <summary>
    /// Rounds of: openssl speed (divides by user CPU time, its default), openssl speed -elapsed
    /// (wall clock), and our sign loop measured both ways. Interleaved so load from elsewhere hits
    /// both sides alike; medians over the rounds.
    /// </summary>
    private static SigningFigures? MeasureSigning(int rounds, int seconds)
    {
        var f = new SigningFigures(new(), new(), new(), new());
        using RsaKeyMaterial key = RsaKeyMaterial.Generate(2048);
        byte[] input = new byte[32];
        new Random(7).NextBytes(input);
        SignFor(key, input, TimeSpan.FromMilliseconds(500)); // warm-up (JIT, first use of the key)

        for (int r = 1; r <= rounds; r++)
        {
            Console.WriteLine($"[signing {r}/{rounds}] openssl speed -seconds {seconds} rsa2048; the same with -elapsed; our RS256 loop for {seconds} s ...");
            double? cpu = OpenSslSpeed(seconds, elapsed: false);
            double? wall = OpenSslSpeed(seconds, elapsed: true);
            if (cpu is null || wall is null)
            {
                return null;
            }

            f.OpenSslCpu.Add(cpu.Value);
            f.OpenSslWall.Add(wall.Value);

            TimeSpan? userBefore = CpuClock.ThreadUser();
            var clock = Stopwatch.StartNew();
            long n = SignFor(key, input, TimeSpan.FromSeconds(seconds));
            clock.Stop();
            TimeSpan? userAfter = CpuClock.ThreadUser();
            f.OursWall.Add(n / clock.Elapsed.TotalSeconds);
            if (userBefore is not null && userAfter is not null && userAfter > userBefore)
            {
                f.OursCpu.Add(n / (userAfter.Value - userBefore.Value).TotalSeconds);
            }
        }

        return f;
    }

    private static long SignFor(RsaKeyMaterial key, byte[] input, TimeSpan duration)
    {
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            _ = key.Sign(KeyAlgorithm.RS256, input);
            n++;
        }

        return n;
    }

    private static double? OpenSslSpeed(int seconds, bool elapsed)
    {
        var args = new List<string> { "speed" };
        if (elapsed)
        {
            args.Add("-elapsed");
        }

        args.AddRange(new[] { "-seconds", seconds.ToString(Inv), "rsa2048" });
        OpenSslProcess.Result speed = OpenSslProcess.Run(TimeSpan.FromSeconds(10 * seconds + 60), args.ToArray());
        Match row = Regex.Match(speed.StdOut, @"^rsa\s+2048\s+bits\s+\S+s\s+\S+s\s+(?<sign>[0-9.]+)\s+[0-9.]+", RegexOptions.Multiline);
        if (speed.ExitCode != 0 || !row.Success)
        {
            Console.Error.WriteLine($"Could not read 'openssl {string.Join(' ', args)}' output (exit {speed.ExitCode}):\n{speed.StdOut}\n{speed.StdErr}");
            return null;
        }

        return double.Parse(row.Groups["sign"].Value, Inv);
    }

    /// <summary>
    /// N RSA-2048 keys each side, interleaved with 'openssl version' runs (process start-up).
    /// openssl has no in-process key-generation timer in 3.0, so each genpkey is a whole process.
    /// </summary>
    private static GenerationFigures? MeasureGeneration(int count)
    {
        Console.WriteLine($"[generation] RSA-2048: {count} x openssl genpkey, {count} x PsCredRotate, {count} x 'openssl version', interleaved ...");
        var f = new GenerationFigures(new(), new(), new(), new(), new(), new());
        _ = OpenSslProcess.Run(TimeSpan.FromSeconds(60), GenPkeyArgs); // warm-up (page cache)
        RsaKeyMaterial.Generate(2048).Dispose(); // warm-up (JIT)
        for (int i = 0; i < count; i++)
        {
            (OpenSslProcess.Result startup, double? startupCpu) = RunTimedChild("version");
            (OpenSslProcess.Result gen, double? genCpu) = RunTimedChild(GenPkeyArgs);
            if (gen.ExitCode != 0 || !gen.StdOut.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"openssl genpkey failed (exit {gen.ExitCode}): {gen.StdErr}");
                return null;
            }

            f.StartupWall.Add(startup.Elapsed.TotalMilliseconds);
            f.OpenSslWall.Add(gen.Elapsed.TotalMilliseconds);
            if (startupCpu is not null && genCpu is not null)
            {
                f.StartupCpu.Add(startupCpu.Value);
                f.OpenSslCpu.Add(genCpu.Value);
            }

            TimeSpan? cpuBefore = CpuClock.ThreadTotal();
            var clock = Stopwatch.StartNew();
            RsaKeyMaterial key = RsaKeyMaterial.Generate(2048);
            clock.Stop();
            TimeSpan? cpuAfter = CpuClock.ThreadTotal();
            key.Dispose();
            f.OursWall.Add(clock.Elapsed.TotalMilliseconds);
            if (cpuBefore is not null && cpuAfter is not null)
            {
                f.OursCpu.Add((cpuAfter.Value - cpuBefore.Value).TotalMilliseconds);
            }
        }

        return f;
    }

    private static (OpenSslProcess.Result Result, double? CpuMs) RunTimedChild(params string[] args)
    {
        TimeSpan? before = CpuClock.ChildrenTotal();
        OpenSslProcess.Result result = OpenSslProcess.Run(TimeSpan.FromSeconds(60), args);
        TimeSpan? after = CpuClock.ChildrenTotal();
        return (result, before is not null && after is not null ? (after.Value - before.Value).TotalMilliseconds : null);
    }

    private static void Print(SigningFigures s, GenerationFigures g, int count, int rounds, int seconds)
    {
        double startupWall = Stats.Median(g.StartupWall);
        List<double> opensslNetWall = g.OpenSslWall.Select(ms => Math.Max(0, ms - startupWall)).ToList();
        double? startupCpu = g.StartupCpu.Count > 0 ? Stats.Median(g.StartupCpu) : null;
        List<double> opensslNetCpu = startupCpu is null ? new() : g.OpenSslCpu.Select(ms => Math.Max(0, ms - startupCpu.Value)).ToList();

        var rows = new List<(string Figure, string Short, double Ours, double OpenSsl, double Ratio, string Target, bool Met)>();
        if (s.OursCpu.Count > 0)
        {
            double ours = Stats.Median(s.OursCpu), theirs = Stats.Median(s.OpenSslCpu);
            rows.Add(("RS256 sign/s, per CPU second (higher better)", "signing (CPU)", ours, theirs, ours / theirs, ">= 0.85", ours / theirs >= SignTarget));
        }

        {
            double ours = Stats.Median(s.OursWall), theirs = Stats.Median(s.OpenSslWall);
            rows.Add(("RS256 sign/s, per wall second (higher better)", "signing (wall)", ours, theirs, ours / theirs, ">= 0.85", ours / theirs >= SignTarget));
        }

        if (g.OursCpu.Count > 0 && opensslNetCpu.Count > 0)
        {
            double ours = Stats.Median(g.OursCpu), theirs = Stats.Median(opensslNetCpu);
            rows.Add(($"RSA-2048 keygen median CPU ms, N={count} (lower)", "generation (CPU)", ours, theirs, ours / theirs, "<= 1.30", ours / theirs <= GenerationTarget));
        }

        {
            double ours = Stats.Median(g.OursWall), theirs = Stats.Median(opensslNetWall);
            rows.Add(($"RSA-2048 keygen median wall ms, N={count} (lower)", "generation (wall)", ours, theirs, ours / theirs, "<= 1.30", ours / theirs <= GenerationTarget));
        }

        string rule = new('-', 100);
        Console.WriteLine();
        Console.WriteLine("Measured comparison with openssl (same machine)");
        Console.WriteLine(rule);
        Console.WriteLine($"{"Figure",-50}{"PsCredRotate",13}{"openssl",11}{"ratio",8}{"target",10}{"",8}");
        Console.WriteLine(rule);
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Figure,-50}{row.Ours,13:F1}{row.OpenSsl,11:F1}{row.Ratio,8:F2}{row.Target,10}{(row.Met ? "met" : "MISSED"),8}");
        }

        Console.WriteLine(rule);
        Console.WriteLine($"Signing, sign/s per round ({rounds} rounds of {seconds} s; medians above):");
        Console.WriteLine($"  openssl speed (user CPU time):  {Join(s.OpenSslCpu)}");
        Console.WriteLine($"  openssl speed -elapsed (wall):  {Join(s.OpenSslWall)}");
        Console.WriteLine($"  PsCredRotate (thread user CPU): {Join(s.OursCpu)}");
        Console.WriteLine($"  PsCredRotate (wall):            {Join(s.OursWall)}");
        Console.WriteLine("  openssl speed signs a fixed pre-hashed buffer with one reused context; ours is");
        Console.WriteLine("  RsaKeyMaterial.Sign(RS256) over 32 bytes: SHA-256 of the input plus a new OpenSSL context per call.");
        Console.WriteLine($"Key generation, ms per key ({count} keys each):      median      min      max");
        Line("  PsCredRotate, wall", g.OursWall);
        Line("  PsCredRotate, thread CPU", g.OursCpu);
        Line("  openssl genpkey process, wall", g.OpenSslWall);
        Line("  'openssl version' process, wall", g.StartupWall);
        Line("  openssl genpkey minus start-up, wall", opensslNetWall);
        Line("  openssl genpkey process, CPU", g.OpenSslCpu);
        Line("  'openssl version' process, CPU", g.StartupCpu);
        Line("  openssl genpkey minus start-up, CPU", opensslNetCpu);
        if (g.OursCpu.Count > 0 && opensslNetCpu.Count > 0)
        {
            (double low, double high) = Stats.BootstrapMedianRatio(g.OursCpu, opensslNetCpu);
            Console.WriteLine($"  Generation ratio (CPU), bootstrap 90% interval: {low.ToString("F2", Inv)} .. {high.ToString("F2", Inv)}");
        }

        {
            (double low, double high) = Stats.BootstrapMedianRatio(g.OursWall, opensslNetWall);
            Console.WriteLine($"  Generation ratio (wall), bootstrap 90% interval: {low.ToString("F2", Inv)} .. {high.ToString("F2", Inv)}");
        }

        Console.WriteLine("  openssl 3.0 has no in-process timer for RSA key generation, so each 'openssl genpkey' run is");
        Console.WriteLine("  timed as a whole process and the median of a trivial 'openssl version' process (start-up,");
        Console.WriteLine("  configuration, provider loading) is subtracted. genpkey's PEM encoding and output stay in.");
        Console.WriteLine("  RSA generation time varies a lot from key to key (prime search): read medians, not single runs.");
        Console.WriteLine("  CPU figures come from getrusage (thread, and waited-for children) and are the ones to trust");
        Console.WriteLine("  when other work shares the machine; openssl speed itself divides by user CPU time by default.");
        Console.WriteLine();
        Console.WriteLine("Ratios, PsCredRotate / openssl: " + string.Join("; ", rows.Select(r => $"{r.Short} {r.Ratio.ToString("F2", Inv)} (target {r.Target})")));
    }

    private static void Line(string label, List<double> values)
    {
        if (values.Count == 0)
        {
            Console.WriteLine($"{label,-48}{"n/a",9}");
            return;
        }

        Console.WriteLine($"{label,-48}{Stats.Median(values),9:F1}{values.Min(),9:F1}{values.Max(),9:F1}");
    }

    private static string Join(List<double> values) =>
        values.Count == 0 ? "n/a" : string.Join("  ", values.Select(v => v.ToString("F1", Inv)));

    private static string PlatformOpenSslVersion()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return string.Empty;
        }

        // OPENSSL_VERSION_NUMBER for 3.x: 0xMNN00PP0L (major, minor, patch).
        long v = SafeEvpPKeyHandle.OpenSslVersion;
        return $", libcrypto {(v >> 28) & 0xF}.{(v >> 20) & 0xFF}.{(v >> 4) & 0xFF}";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (System.IO.IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static int ReadOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, Inv, out int value) && value > 0 ? value : fallback;
    }
}
