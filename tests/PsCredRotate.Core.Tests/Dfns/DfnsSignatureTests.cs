using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using PsCredRotate.Core.Dfns;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Dfns;

public sealed class DfnsSignatureTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("{\"type\":\"key.get\",\"challenge\":\"abc\"}");

    [Fact]
    public void A_P256_signature_is_DER_that_the_platform_verifies_as_RFC_3279()
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.ES256);

        byte[] signature = DfnsSignatures.Sign(key, Data);

        Assert.Equal(0x30, signature[0]);
        Assert.InRange(signature.Length, 8, 72);
        using ECDsa platform = ECDsa.Create();
        platform.ImportSubjectPublicKeyInfo(key.Material.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(platform.VerifyData(Data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(platform.VerifyData(Encoding.UTF8.GetBytes("other"), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void An_Ed25519_signature_is_the_raw_64_bytes_that_BouncyCastle_verifies()
    {
        using RotationKey key = DfnsTestKeys.Create(KeyAlgorithm.EdDSA);

        byte[] signature = DfnsSignatures.Sign(key, Data);

        Assert.Equal(64, signature.Length);
        byte[] x = Base64UrlDecode(key.Material.PublicJwkMembers().Single(m => m.Key == "x").Value);
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(x, 0));
        verifier.BlockUpdate(Data, 0, Data.Length);
        Assert.True(verifier.VerifySignature(signature));
    }

    [Fact]
    public void An_RSA_signature_is_PKCS1_v1_5_with_SHA256_even_for_a_PS256_key()
    {
        using RotationKey rs = DfnsTestKeys.Create(KeyAlgorithm.RS256);
        using RotationKey ps = new RotationKey(rs.Material, KeyAlgorithm.PS256, null, null, DateTimeOffset.UtcNow);

        byte[] signature = DfnsSignatures.Sign(ps, Data);

        using RSA platform = RSA.Create();
        platform.ImportSubjectPublicKeyInfo(rs.Material.ExportSubjectPublicKeyInfo(), out _);
        Assert.Equal(256, signature.Length);
        Assert.True(platform.VerifyData(Data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal(KeyAlgorithm.RS256, DfnsSignatures.AlgorithmFor(ps));
    }

    [Theory]
    [MemberData(nameof(DfnsTestKeys.Algorithms), MemberType = typeof(DfnsTestKeys))]
    public void The_test_double_verifies_what_is_signed_and_refuses_another_key(KeyAlgorithm algorithm)
    {
        using RotationKey key = DfnsTestKeys.Create(algorithm);
        using RotationKey other = DfnsTestKeys.Create(algorithm);

        byte[] signature = DfnsSignatures.Sign(key, Data);

        Assert.True(FakeDfns.Verify(key.PublicKeyPem, Data, signature));
        Assert.False(FakeDfns.Verify(other.PublicKeyPem, Data, signature));
        Assert.True(DfnsSignatures.Verify(key, Data, signature));
    }

    [Fact]
    public void DER_encoding_pads_integers_with_the_high_bit_set_and_strips_leading_zeros()
    {
        byte[] rs = new byte[64];
        rs[0] = 0x80;
        rs[31] = 0x01;
        rs[63] = 0x7F;

        byte[] der = EcdsaSignatureEncoding.ToDer(rs);

        Assert.Equal(new byte[] { 0x30, 0x26, 0x02, 0x21, 0x00, 0x80 }, der.Take(6).ToArray());
        Assert.Equal(new byte[] { 0x02, 0x01, 0x7F }, der.Skip(der.Length - 3).ToArray());
        Assert.Equal(rs, EcdsaSignatureEncoding.FromDer(der, 32));
    }

    [Fact]
    public void Malformed_DER_is_not_a_signature()
    {
        Assert.Null(EcdsaSignatureEncoding.FromDer(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }, 32));
        Assert.Null(EcdsaSignatureEncoding.FromDer(new byte[64], 32));
    }

    [Fact]
    public void The_assertion_client_data_is_the_compact_key_get_object_in_the_SDK_order()
    {
        Assert.Equal("{\"type\":\"key.get\",\"challenge\":\"Y2hhbGxlbmdl\"}", DfnsSignatures.AssertionClientData("Y2hhbGxlbmdl"));
    }

    [Fact]
    public void The_attestation_client_data_is_the_compact_key_create_object_with_sorted_members()
    {
        Assert.Equal("{\"challenge\":\"abc+/=\",\"type\":\"key.create\"}", DfnsSignatures.AttestationClientData("abc+/="));
    }

    [Theory]
    [MemberData(nameof(DfnsTestKeys.Algorithms), MemberType = typeof(DfnsTestKeys))]
    public void The_attestation_holds_the_PEM_and_a_hex_signature_over_the_compact_hash_and_key(KeyAlgorithm algorithm)
    {
        using RotationKey key = DfnsTestKeys.Create(algorithm);
        string clientData = DfnsSignatures.AttestationClientData("challenge-1");

        using JsonDocument attestation = JsonDocument.Parse(DfnsSignatures.AttestationData(key, clientData));

        JsonElement root = attestation.RootElement;
        Assert.Equal(new[] { "publicKey", "signature" }, root.EnumerateObject().Select(p => p.Name));
        string pem = root.GetProperty("publicKey").GetString()!;
        Assert.Equal(key.PublicKeyPem, pem);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", pem, StringComparison.Ordinal);
        string hex = root.GetProperty("signature").GetString()!;
        Assert.Matches("^[0-9a-f]+$", hex);
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(clientData))).ToLowerInvariant();
        string signed = "{\"clientDataHash\":\"" + hash + "\",\"publicKey\":\"" + pem.Replace("\n", "\\n") + "\"}";
        Assert.Equal(signed, DfnsSignatures.AttestationSignedText(clientData, pem));
        Assert.True(FakeDfns.Verify(pem, Encoding.UTF8.GetBytes(signed), Convert.FromHexString(hex)));
    }

    private static byte[] Base64UrlDecode(string text) => FakeDfns.Base64UrlDecode(text);
}
