using System.Security.Cryptography;
using System.Text;
using PsCredRotate.Emulator.Dfns;

namespace PsCredRotate.Emulator.Tests.Dfns;

/// <summary>The emulator's signature checks against signatures made here with independent code.</summary>
public sealed class DfnsSignatureTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\"type\":\"key.get\",\"challenge\":\"abc\"}");

    [Theory]
    [InlineData("P-256", DfnsKeyType.Ecdsa)]
    [InlineData("P-384", DfnsKeyType.Ecdsa)]
    [InlineData("Ed25519", DfnsKeyType.EdDsa)]
    [InlineData("RSA-2048", DfnsKeyType.Rsa)]
    public void AValidSignatureVerifiesAndATamperedOneDoesNot(string type, DfnsKeyType expected)
    {
        TestKey key = TestKey.Of(type);
        byte[] signature = key.Sign(Data);
        byte[] tampered = (byte[])Data.Clone();
        tampered[^2] ^= 1;

        Assert.Equal(expected, DfnsSignatures.Inspect(key.PublicPem));
        Assert.True(DfnsSignatures.Verify(key.PublicPem, Data, signature, null));
        Assert.False(DfnsSignatures.Verify(key.PublicPem, tampered, signature, null));
        Assert.False(DfnsSignatures.Verify(TestKey.Of(type).PublicPem, Data, signature, null));
    }

    [Fact]
    public void TheAlgorithmPicksTheDigestAndNoneMeansSha256AsNodeDoes()
    {
        TestKey key = TestKey.P384();
        byte[] sha384 = key.Sign(Data, HashAlgorithmName.SHA384);
        byte[] sha256 = key.Sign(Data);

        Assert.True(DfnsSignatures.Verify(key.PublicPem, Data, sha384, "SHA384"));
        Assert.False(DfnsSignatures.Verify(key.PublicPem, Data, sha384, null));
        Assert.True(DfnsSignatures.Verify(key.PublicPem, Data, sha256, "RSA-SHA256"));
        Assert.Throws<ArgumentException>(() => DfnsSignatures.Verify(key.PublicPem, Data, sha256, "MD5"));
    }

    [Fact]
    public void AnEcdsaSignatureInRawFormatIsRefusedBecauseDfnsExpectsDer()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] raw = ec.SignData(Data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.False(DfnsSignatures.Verify(ec.ExportSubjectPublicKeyInfoPem(), Data, raw, null));
    }

    [Fact]
    public void ARsaPkcs1PublicKeyPemIsAccepted()
    {
        using var rsa = RSA.Create(2048);
        string pem = rsa.ExportRSAPublicKeyPem();

        Assert.Equal(DfnsKeyType.Rsa, DfnsSignatures.Inspect(pem));
        Assert.True(DfnsSignatures.Verify(pem, Data, rsa.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), null));
        Assert.False(DfnsSignatures.Verify(pem, Data, rsa.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), null));
    }

    [Fact]
    public void UnsupportedOrBrokenKeysAreRefusedWithAReason()
    {
        using var dsaLike = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string privatePem = dsaLike.ExportPkcs8PrivateKeyPem();
        string x25519 = PemEncoding.WriteString("PUBLIC KEY", Convert.FromHexString("302a300506032b656e032100" + new string('1', 64)));

        Assert.Contains("PUBLIC KEY", Assert.Throws<ArgumentException>(() => DfnsSignatures.Inspect(privatePem)).Message, StringComparison.Ordinal);
        Assert.Contains("1.3.101.110", Assert.Throws<ArgumentException>(() => DfnsSignatures.Inspect(x25519)).Message, StringComparison.Ordinal);
        Assert.Contains("not PEM", Assert.Throws<ArgumentException>(() => DfnsSignatures.Inspect("hello")).Message, StringComparison.Ordinal);
    }
}
