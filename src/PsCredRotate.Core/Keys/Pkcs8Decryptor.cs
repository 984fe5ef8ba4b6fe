using System;
using System.IO;
using System.Security;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// Decrypts an EncryptedPrivateKeyInfo (RFC 5958 / RFC 8018): PBES2 with PBKDF2 (PRF HMAC-SHA1,
/// -SHA224, -SHA256, -SHA384, -SHA512) and AES-128/192/256-CBC or DES-EDE3-CBC. PBES1 and scrypt
/// are refused. The iteration count is capped so a hostile file cannot keep us busy for hours.
/// </summary>
internal static class Pkcs8Decryptor
{
    /// <summary>Iteration counts above this are refused (KeyEncryptionUnsupported).</summary>
    public const int MaxIterations = 10_000_000;

    private const string ScryptOid = "1.3.6.1.4.1.11591.4.11";

    /// <summary>The decrypted DER PrivateKeyInfo; the caller clears it after use.</summary>
    public static byte[] Decrypt(byte[] encryptedDer, SecureString? password)
    {
        EncryptedPrivateKeyInfo info;
        PbeS2Parameters pbes2;
        Pbkdf2Params kdf;
        AlgorithmIdentifier scheme;
        try
        {
            info = EncryptedPrivateKeyInfo.GetInstance(Asn1Object.FromByteArray(encryptedDer));
            AlgorithmIdentifier alg = info.EncryptionAlgorithm;
            if (!PkcsObjectIdentifiers.IdPbeS2.Equals(alg.Algorithm))
            {
                throw Unsupported($"The key is encrypted with an old scheme (algorithm {alg.Algorithm.Id}, PBES1 or PKCS#12 PBE).");
            }

            pbes2 = PbeS2Parameters.GetInstance(alg.Parameters);
            KeyDerivationFunc func = pbes2.KeyDerivationFunc;
            if (!PkcsObjectIdentifiers.IdPbkdf2.Equals(func.Algorithm))
            {
                string name = func.Algorithm.Id == ScryptOid ? "scrypt" : func.Algorithm.Id;
                throw Unsupported($"The key's password is stretched with {name}; only PBKDF2 is supported.");
            }

            kdf = Pbkdf2Params.GetInstance(func.Parameters);
            scheme = AlgorithmIdentifier.GetInstance(pbes2.EncryptionScheme.ToAsn1Object());
        }
        catch (Exception ex) when (ex is not PsCredRotateException)
        {
            throw Malformed(ex);
        }

        string prf = PrfHashName(kdf);
        (string cipher, int keyLength) = Cipher(scheme.Algorithm);
        byte[] iv = IvOf(scheme);
        if (kdf.KeyLength is not null && kdf.KeyLength.IntValue != keyLength)
        {
            throw Malformed(null);
        }

        if (kdf.IterationCount.BitLength > 31 || kdf.IterationCount.IntValue < 1)
        {
            throw Unsupported("The key's PBKDF2 iteration count is out of range.");
        }

        int iterations = kdf.IterationCount.IntValue;
        if (iterations > MaxIterations)
        {
            throw Unsupported($"The key's PBKDF2 iteration count ({iterations}) is above the limit of {MaxIterations}.");
        }

        if (password is null)
        {
            throw new PsCredRotateException(
                ErrorIds.KeyPasswordRequired,
                ErrorKind.InvalidArgument,
                "The private key is encrypted. Give its password with -Password (Read-Host -AsSecureString).");
        }

        char[] chars = SecureStrings.ToChars(password);
        byte[]? key = null;
        try
        {
            key = Pbkdf2.DeriveKey(chars, kdf.GetSalt(), iterations, prf, keyLength);
            byte[] plain = DecryptCbc(cipher, key, iv, info.GetEncryptedData());
            if (!IsPrivateKeyInfo(plain))
            {
                SecureStrings.Clear(plain);
                throw Incorrect(null);
            }

            return plain;
        }
        finally
        {
            SecureStrings.Clear(chars);
            SecureStrings.Clear(key);
        }
    }

    private static string PrfHashName(Pbkdf2Params kdf)
    {
        if (kdf.IsDefaultPrf)
        {
            return "SHA1";
        }

        DerObjectIdentifier oid = kdf.Prf.Algorithm;
        if (PkcsObjectIdentifiers.IdHmacWithSha1.Equals(oid))
        {
            return "SHA1";
        }

        if (PkcsObjectIdentifiers.IdHmacWithSha224.Equals(oid))
        {
            return "SHA224";
        }

        if (PkcsObjectIdentifiers.IdHmacWithSha256.Equals(oid))
        {
            return "SHA256";
        }

        if (PkcsObjectIdentifiers.IdHmacWithSha384.Equals(oid))
        {
            return "SHA384";
        }

        if (PkcsObjectIdentifiers.IdHmacWithSha512.Equals(oid))
        {
            return "SHA512";
        }

        throw Unsupported($"The key's PBKDF2 PRF ({oid.Id}) is not supported; use hmacWithSHA256.");
    }

    private static (string Cipher, int KeyLength) Cipher(DerObjectIdentifier oid)
    {
        if (NistObjectIdentifiers.IdAes128Cbc.Equals(oid))
        {
            return ("AES", 16);
        }

        if (NistObjectIdentifiers.IdAes192Cbc.Equals(oid))
        {
            return ("AES", 24);
        }

        if (NistObjectIdentifiers.IdAes256Cbc.Equals(oid))
        {
            return ("AES", 32);
        }

        if (PkcsObjectIdentifiers.DesEde3Cbc.Equals(oid))
        {
            return ("3DES", 24);
        }

        throw Unsupported($"The key's cipher ({oid.Id}) is not supported; use AES-256-CBC.");
    }

    private static byte[] IvOf(AlgorithmIdentifier scheme)
    {
        byte[]? iv = scheme.Parameters is Asn1OctetString octets ? octets.GetOctets() : null;
        int expected = PkcsObjectIdentifiers.DesEde3Cbc.Equals(scheme.Algorithm) ? 8 : 16;
        if (iv is null || iv.Length != expected)
        {
            throw Malformed(null);
        }

        return iv;
    }

    private static byte[] DecryptCbc(string cipher, byte[] key, byte[] iv, byte[] data)
    {
        using SymmetricAlgorithm alg = cipher == "AES" ? Aes.Create() : TripleDES.Create();
        alg.Mode = CipherMode.CBC;
        alg.Padding = PaddingMode.PKCS7;
        try
        {
            using ICryptoTransform decryptor = alg.CreateDecryptor(key, iv);
            return decryptor.TransformFinalBlock(data, 0, data.Length);
        }
        catch (CryptographicException ex)
        {
            // Bad padding: almost always the wrong password.
            throw Incorrect(ex);
        }
    }

    private static bool IsPrivateKeyInfo(byte[] plain)
    {
        try
        {
            var asn1 = Asn1Object.FromByteArray(plain);
            if (asn1 is not Asn1Sequence seq || seq.Count < 3)
            {
                return false;
            }

            PrivateKeyInfo.GetInstance(seq);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or IOException or InvalidOperationException or OverflowException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static PsCredRotateException Unsupported(string what) => new(
        ErrorIds.KeyEncryptionUnsupported,
        ErrorKind.InvalidData,
        what + " Re-encrypt the key with 'openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256'.");

    private static PsCredRotateException Malformed(Exception? inner) => new(
        ErrorIds.KeyDerMalformed,
        ErrorKind.InvalidData,
        "The encrypted private key is malformed: its encryption parameters cannot be read.",
        null,
        inner);

    private static PsCredRotateException Incorrect(Exception? inner) => new(
        ErrorIds.KeyPasswordIncorrect,
        ErrorKind.InvalidArgument,
        "The password is incorrect: the private key could not be decrypted with it.",
        null,
        inner);
}
