using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// Key pair generation as New-RotationKey does it. RSA generation time varies a lot from key to
/// key (prime search), so each iteration is one key and the median is the figure to read.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 25)]
public class KeyGenerationBenchmarks
{
    private const int SmallKeysPerIteration = 100;

    [Benchmark]
    public int? Rsa2048()
    {
        using var key = RsaKeyMaterial.Generate(2048);
        return key.KeySize;
    }

    [Benchmark]
    public int? Rsa3072()
    {
        using var key = RsaKeyMaterial.Generate(3072);
        return key.KeySize;
    }

    [Benchmark]
    public int? Rsa4096()
    {
        using var key = RsaKeyMaterial.Generate(4096);
        return key.KeySize;
    }

    /// <summary>EC and Ed25519 keys take microseconds: 100 per iteration, reported per key.</summary>
    [Benchmark(OperationsPerInvoke = SmallKeysPerIteration)]
    public string? P256()
    {
        string? curve = null;
        for (int i = 0; i < SmallKeysPerIteration; i++)
        {
            using var key = EcKeyMaterial.Generate(EcCurve.P256);
            curve = key.Curve;
        }

        return curve;
    }

    [Benchmark(OperationsPerInvoke = SmallKeysPerIteration)]
    public string? Ed25519()
    {
        string? curve = null;
        for (int i = 0; i < SmallKeysPerIteration; i++)
        {
            using var key = Ed25519KeyMaterial.Generate();
            curve = key.Curve;
        }

        return curve;
    }
}
