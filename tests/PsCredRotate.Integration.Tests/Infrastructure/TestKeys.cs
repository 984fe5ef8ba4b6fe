using PsCredRotate.Core.Keys;

namespace PsCredRotate.Integration.Tests.Infrastructure;

/// <summary>Fresh RSA-2048 RS256 keys, made side by side (generation dominates the seeding time).</summary>
public static class TestKeys
{
    public static RotationKey[] Rsa(int count)
    {
        var keys = new RotationKey[count];
        Parallel.For(0, count, i => keys[i] = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 }));
        return keys;
    }

    public static RotationKey Rsa() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 });
}
