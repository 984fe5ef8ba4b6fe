using System;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// Writes PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2):
/// PBKDF2-HMAC-SHA256 with a random 16-byte salt and <see cref="Pbkdf2.DefaultIterations"/>
/// iterations, and AES-256-CBC with a random IV. The structure is the one <c>openssl pkcs8 -topk8
/// -v2 aes-256-cbc -v2prf hmacWithSHA256</c> writes, so any PKCS#8 reader opens it.
/// Reading it back is <c>Pkcs8Decryptor</c>'s job.
/// </summary>
internal static class Pkcs8Encryptor
{
    public const int SaltLength = 16;
    public const int AesKeyLength = 32;
    public const int AesBlockLength = 16;

    // OIDs (RFC 8018 Appendix C, NIST CSOR).
    internal const string Pbes2Oid = "1.2.840.113549.1.5.13";
    internal const string Pbkdf2Oid = "1.2.840.113549.1.5.12";
    internal const string HmacWithSha256Oid = "1.2.840.113549.2.9";
    internal const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";

    /// <summary>The DER EncryptedPrivateKeyInfo of a PKCS#8 PrivateKeyInfo. The password must not be empty.</summary>
    public static byte[] Encrypt(byte[] privateKeyInfo, char[] password, int iterations = Pbkdf2.DefaultIterations)
    {
        if (privateKeyInfo is null)
        {
            throw new ArgumentNullException(nameof(privateKeyInfo));
        }

        if (password is null || password.Length == 0)
        {
            throw new PsCredRotateException(ErrorIds.KeyPasswordEmpty, ErrorKind.InvalidArgument, "The password is empty; give a password to encrypt the key, or export without one.");
        }

        byte[] salt = RandomBytes(SaltLength);
        byte[] iv = RandomBytes(AesBlockLength);
        byte[] key = Pbkdf2.DeriveKey(password, salt, iterations, HashAlgorithmName.SHA256.Name!, AesKeyLength);
        byte[] cipherText;
        try
        {
            using Aes aes = Aes.Create();
            aes.Mode = CipherMode.CBC;
            aes.Padding = PaddingMode.PKCS7;
            aes.KeySize = AesKeyLength * 8;
            aes.Key = key;
            aes.IV = iv;
            using ICryptoTransform encryptor = aes.CreateEncryptor();
            cipherText = encryptor.TransformFinalBlock(privateKeyInfo, 0, privateKeyInfo.Length);
        }
        finally
        {
            SecureStrings.Clear(key);
        }

        var pbkdf2Params = new DerSequence(
            new DerOctetString(salt),
            new DerInteger(iterations),
            new DerSequence(new DerObjectIdentifier(HmacWithSha256Oid), DerNull.Instance));
        var pbes2Params = new DerSequence(
            new DerSequence(new DerObjectIdentifier(Pbkdf2Oid), pbkdf2Params),
            new DerSequence(new DerObjectIdentifier(Aes256CbcOid), new DerOctetString(iv)));
        var encryptedPrivateKeyInfo = new DerSequence(
            new DerSequence(new DerObjectIdentifier(Pbes2Oid), pbes2Params),
            new DerOctetString(cipherText));
        return encryptedPrivateKeyInfo.GetDerEncoded();
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        using RandomNumberGenerator rng = RandomNumberGenerator.Create();
        rng.GetBytes(bytes);
        return bytes;
    }
}
