using System;
using BenchmarkDotNet.Attributes;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Benchmarks;

/// <summary>RFC 7638 thumbprint (the kid) of an RSA-2048 key: canonical JSON and SHA-256.</summary>
[MemoryDiagnoser]
public class ThumbprintBenchmarks
{
    private RotationKey? _rsa2048;

    [GlobalSetup]
    public void Setup() =>
        _rsa2048 = new RotationKey(RsaKeyMaterial.Generate(2048), KeyAlgorithm.RS256, "bench", null, DateTimeOffset.UtcNow);

    [GlobalCleanup]
    public void Cleanup() => _rsa2048?.Dispose();

    [Benchmark]
    public string Rsa2048() => JwkThumbprint.Compute(_rsa2048!);
}
