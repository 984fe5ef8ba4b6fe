using System;
using System.Text;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Keys;

public sealed class KeyGeneratorTests
{
    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.EveryAlgorithm), MemberType = typeof(GeneratedKeyFixtures))]
    public void A_generated_key_has_the_type_size_and_curve_its_algorithm_asks_for(KeyAlgorithm algorithm)
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm });

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(KeyAlgorithms.KeyTypeOf(algorithm), key.KeyType);
        Assert.True(key.HasPrivateKey);
        if (key.KeyType == KeyType.RSA)
        {
            Assert.Equal(2048, key.KeySize);
            Assert.Null(key.Curve);
        }
        else
        {
            Assert.Null(key.KeySize);
            Assert.Equal(KeyAlgorithms.CurveOf(algorithm), key.Curve);
        }

        Assert.Null(key.CertificatePem);
        Assert.Null(key.NotAfter);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.EveryAlgorithm), MemberType = typeof(GeneratedKeyFixtures))]
    public void The_kid_of_a_generated_key_is_the_rfc7638_thumbprint_computed_independently(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);

        Assert.Equal(GeneratedKeyFixtures.IndependentKid(key), key.Kid);
        Assert.Equal(JwkThumbprint.Compute(key), key.Kid);
        Assert.Equal(43, key.Kid.Length);
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.EveryAlgorithm), MemberType = typeof(GeneratedKeyFixtures))]
    public void A_generated_key_signs_and_its_signature_verifies(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);
        byte[] data = Encoding.UTF8.GetBytes("header.payload for " + algorithm);

        byte[] signature = key.Material.Sign(algorithm, data);

        Assert.True(key.Material.Verify(algorithm, data, signature));
        using RotationKey publicKey = key.ToPublicKey();
        Assert.True(publicKey.Material.Verify(algorithm, data, signature));
    }

    [Theory]
    [MemberData(nameof(GeneratedKeyFixtures.EveryAlgorithm), MemberType = typeof(GeneratedKeyFixtures))]
    public void Tampered_data_or_a_tampered_signature_fails_verification(KeyAlgorithm algorithm)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(algorithm);
        byte[] data = Encoding.UTF8.GetBytes("header.payload");
        byte[] signature = key.Material.Sign(algorithm, data);

        byte[] tamperedData = (byte[])data.Clone();
        tamperedData[3] ^= 0x01;
        byte[] tamperedSignature = (byte[])signature.Clone();
        tamperedSignature[signature.Length / 2] ^= 0x01;

        Assert.False(key.Material.Verify(algorithm, tamperedData, signature));
        Assert.False(key.Material.Verify(algorithm, data, tamperedSignature));
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void Rsa_keys_are_generated_in_each_allowed_size(int size)
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.PS256, KeySize = size });

        Assert.Equal(size, key.KeySize);
        Assert.Equal(KeyType.RSA, key.KeyType);
        Assert.Equal(GeneratedKeyFixtures.IndependentKid(key), key.Kid);
        byte[] data = { 1, 2, 3 };
        Assert.True(key.Material.Verify(KeyAlgorithm.PS256, data, key.Material.Sign(KeyAlgorithm.PS256, data)));
    }

    [Fact]
    public void The_defaults_are_rs256_with_2048_bits_and_no_name()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions());

        Assert.Equal(KeyAlgorithm.RS256, key.Algorithm);
        Assert.Equal(2048, key.KeySize);
        Assert.Null(key.Name);
    }

    [Fact]
    public void The_name_and_the_clock_are_kept()
    {
        var now = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256, Name = "billing-api", Now = now });

        Assert.Equal("billing-api", key.Name);
        Assert.Equal(now, key.CreatedAt);
    }

    [Fact]
    public void Two_generated_keys_differ()
    {
        using RotationKey a = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA });
        using RotationKey b = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.EdDSA });

        Assert.NotEqual(a.Kid, b.Kid);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2047)]
    [InlineData(2049)]
    [InlineData(8192)]
    [InlineData(0)]
    [InlineData(-2048)]
    public void An_rsa_size_outside_2048_3072_4096_is_refused_with_KeySizeUnsupported(int size)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256, KeySize = size }));

        Assert.Equal(ErrorIds.KeySizeUnsupported, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData(KeyAlgorithm.ES256, 256)]
    [InlineData(KeyAlgorithm.ES384, 2048)]
    [InlineData(KeyAlgorithm.ES512, 521)]
    [InlineData(KeyAlgorithm.EdDSA, 2048)]
    public void A_key_size_for_an_ec_or_eddsa_key_is_refused_with_KeySizeUnsupported(KeyAlgorithm algorithm, int size)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm, KeySize = size }));

        Assert.Equal(ErrorIds.KeySizeUnsupported, ex.ErrorId);
        Assert.Contains("RSA keys only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_algorithm_value_is_refused_with_AlgorithmUnsupported()
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = (KeyAlgorithm)99 }));

        Assert.Equal(ErrorIds.AlgorithmUnsupported, ex.ErrorId);
    }
}
