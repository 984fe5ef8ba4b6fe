using PsCredRotate.Core.Keys;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>
/// RSA-2048 RS256 test keys from a pool that is generated lazily, one entry at a time, and reused
/// across tenants (each emulator is its own tenant). RSA generation dominated these tests' run time;
/// a client needs distinct keys only among its own credentials (Auth0 names a credential by the
/// key's thumbprint per client). Every call hands out a new <see cref="RotationKey"/> object, so no
/// key object is shared between tests.
/// </summary>
public static class TestKeys
{
    private const int PoolSize = 16;

    private static readonly Lazy<(string Pem, string Kid)>[] Pool = Enumerable.Range(0, PoolSize)
        .Select(_ => new Lazy<(string Pem, string Kid)>(Generate, LazyThreadSafetyMode.ExecutionAndPublication))
        .ToArray();

    /// <summary>A pool key whose kid is not in <paramref name="taken"/> (which it joins), looking from <paramref name="start"/> on.</summary>
    public static RotationKey Take(ISet<string> taken, int start = 0)
    {
        lock (taken)
        {
            for (int i = 0; i < PoolSize; i++)
            {
                (string pem, string kid) = Pool[(start + i) % PoolSize].Value;
                if (taken.Add(kid))
                {
                    return KeyImporter.FromPem(pem, new KeyImportOptions { Algorithm = KeyAlgorithm.RS256 });
                }
            }
        }

        throw new InvalidOperationException($"The test key pool has only {PoolSize} keys.");
    }

    /// <summary><paramref name="count"/> distinct pool keys.</summary>
    public static RotationKey[] Distinct(int count, int start = 0)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        return Enumerable.Range(0, count).Select(_ => Take(taken, start)).ToArray();
    }

    private static (string Pem, string Kid) Generate()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
        return (KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false), key.Kid);
    }
}
