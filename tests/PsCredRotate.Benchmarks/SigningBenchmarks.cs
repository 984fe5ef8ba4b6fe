using System;
using BenchmarkDotNet.Attributes;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// Client assertion creation (JSON, base64url, jti, signature) per algorithm, and the raw RS256
/// signature alone over 32 bytes, the figure to hold against <c>openssl speed rsa2048</c>.
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private const string ClientId = "benchmark-client";
    private const string Audience = "https://tenant.example.auth0.com/";

    private readonly byte[] _digestSizedInput = new byte[32];
    private RotationKey? _rs256;
    private RotationKey? _ps256;
    private RotationKey? _es256;

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_digestSizedInput);
        _rs256 = new RotationKey(RsaKeyMaterial.Generate(2048), KeyAlgorithm.RS256, "bench", null, DateTimeOffset.UtcNow);
        _ps256 = new RotationKey(RsaKeyMaterial.Generate(2048), KeyAlgorithm.PS256, "bench", null, DateTimeOffset.UtcNow);
        _es256 = new RotationKey(EcKeyMaterial.Generate(EcCurve.P256), KeyAlgorithm.ES256, "bench", null, DateTimeOffset.UtcNow);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rs256?.Dispose();
        _ps256?.Dispose();
        _es256?.Dispose();
    }

    [Benchmark]
    public string AssertionRs256() => ClientAssertionFactory.Create(_rs256!, ClientId, Audience).JwtId;

    [Benchmark]
    public string AssertionPs256() => ClientAssertionFactory.Create(_ps256!, ClientId, Audience).JwtId;

    [Benchmark]
    public string AssertionEs256() => ClientAssertionFactory.Create(_es256!, ClientId, Audience).JwtId;

    [Benchmark(Baseline = true)]
    public byte[] RawRs256Sign32Bytes() => _rs256!.Material.Sign(KeyAlgorithm.RS256, _digestSizedInput);
}
