using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Jose;

/// <summary>
/// Signing keys for the Jose tests, built straight from the internal key model (the generator and
/// importer facades are tested elsewhere). One key per algorithm, generated once per test run.
/// </summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<KeyAlgorithm, Lazy<RotationKey>> Cache = new();

    public static IEnumerable<object[]> AllAlgorithms() =>
        Enum.GetValues(typeof(KeyAlgorithm)).Cast<KeyAlgorithm>().Select(a => new object[] { a });

    /// <summary>A shared key for the algorithm; do not dispose it.</summary>
    public static RotationKey For(KeyAlgorithm algorithm) =>
        Cache.GetOrAdd(algorithm, a => new Lazy<RotationKey>(() => Create(a))).Value;

    /// <summary>A new key the caller owns.</summary>
    public static RotationKey Create(KeyAlgorithm algorithm)
    {
        KeyMaterial material = KeyAlgorithms.KeyTypeOf(algorithm) switch
        {
            KeyType.RSA => RsaKeyMaterial.Generate(2048),
            KeyType.OKP => Ed25519KeyMaterial.Generate(),
            _ => EcKeyMaterial.Generate(KeyAlgorithms.CurveOf(algorithm) switch
            {
                KeyAlgorithms.CurveP384 => EcCurve.P384,
                KeyAlgorithms.CurveP521 => EcCurve.P521,
                _ => EcCurve.P256,
            }),
        };
        return new RotationKey(material, algorithm, "t", null, DateTimeOffset.UtcNow);
    }
}
