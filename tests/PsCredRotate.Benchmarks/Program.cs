using System;
using System.Linq;
using BenchmarkDotNet.Running;

namespace PsCredRotate.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet suite by default (<c>--filter *Signing*</c> etc.); <c>--compare-openssl</c>
    /// [<c>--count N</c>, default 101] [<c>--seconds S</c>, default 3] [<c>--rounds R</c>, default 3] runs the measured comparison with the openssl CLI instead.
    /// <c>--emulator-throughput</c> measures the Auth0 emulator's requests/s on loopback (see EmulatorThroughput).
    /// <c>--bulk-rotation</c> rotates 200 clients against the rate-limited emulator (see BulkRotationBenchmark).
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Contains(EmulatorThroughput.Switch, StringComparer.Ordinal))
        {
            return EmulatorThroughput.Run(args);
        }

        if (args.Contains(BulkRotationBenchmark.Switch, StringComparer.Ordinal))
        {
            return BulkRotationBenchmark.Run(args);
        }

        if (args.Contains(OpenSslComparison.Switch, StringComparer.Ordinal))
        {
            return OpenSslComparison.Run(args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
