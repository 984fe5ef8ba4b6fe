using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

[CollectionDefinition(Name)]
public sealed class OpenSslKeyCollection : ICollectionFixture<OpenSslKeyFiles>
{
    public const string Name = "openssl key files";
}

/// <summary>
/// Throwaway keys made by the openssl CLI once per test run, in a temporary directory, and an
/// independent RFC 7638 thumbprint computed from openssl's own text dump of each public key.
/// </summary>
public sealed class OpenSslKeyFiles : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly TempDir _dir = new();

    public OpenSslKeyFiles()
    {
        // Good keys.
        Gen("rsa2048.pem", "genrsa", "-out", F("rsa2048.pem"), "2048");
        Gen("rsa2048.pub.pem", "pkey", "-in", F("rsa2048.pem"), "-pubout", "-out", F("rsa2048.pub.pem"));
        Gen("rsa2048.pkcs1.pem", "rsa", "-in", F("rsa2048.pem"), "-traditional", "-out", F("rsa2048.pkcs1.pem"));
        Gen("rsa2048.rsapub.pem", "rsa", "-in", F("rsa2048.pem"), "-RSAPublicKey_out", "-out", F("rsa2048.rsapub.pem"));
        Gen("rsa2048.der", "pkey", "-in", F("rsa2048.pem"), "-outform", "DER", "-out", F("rsa2048.der"));
        Gen("rsa2048.pub.der", "pkey", "-in", F("rsa2048.pem"), "-pubout", "-outform", "DER", "-out", F("rsa2048.pub.der"));
        Gen("rsa2048.pkcs1.der", "rsa", "-in", F("rsa2048.pem"), "-traditional", "-outform", "DER", "-out", F("rsa2048.pkcs1.der"));
        Gen("rsa2048.rsapub.der", "rsa", "-in", F("rsa2048.pem"), "-RSAPublicKey_out", "-outform", "DER", "-out", F("rsa2048.rsapub.der"));
        Encrypt("rsa2048.enc.pem", "PEM", "aes-256-cbc", "hmacWithSHA256");
        Encrypt("rsa2048.enc.der", "DER", "aes-256-cbc", "hmacWithSHA256");
        Encrypt("rsa2048.enc-aes128-sha1.pem", "PEM", "aes-128-cbc", "hmacWithSHA1");
        Encrypt("rsa2048.enc-aes192-sha512.pem", "PEM", "aes-192-cbc", "hmacWithSHA512");
        Encrypt("rsa2048.enc-des3-sha384.pem", "PEM", "des3", "hmacWithSHA384");
        Encrypt("rsa2048.enc-aes256-sha224.pem", "PEM", "aes-256-cbc", "hmacWithSHA224");
        Gen("rsa3072.pem", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", F("rsa3072.pem"));
        Gen("p256.pem", "ecparam", "-name", "prime256v1", "-genkey", "-out", F("p256.pem"));
        Gen("p256.sec1.der", "ec", "-in", F("p256.pem"), "-outform", "DER", "-out", F("p256.sec1.der"));
        Gen("p256.pub.pem", "pkey", "-in", F("p256.pem"), "-pubout", "-out", F("p256.pub.pem"));
        Gen("p384.pem", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", F("p384.pem"));
        Gen("p521.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", F("p521.pem"));
        Gen("ed25519.pem", "genpkey", "-algorithm", "ed25519", "-out", F("ed25519.pem"));
        Gen("ed25519.pub.pem", "pkey", "-in", F("ed25519.pem"), "-pubout", "-out", F("ed25519.pub.pem"));
        Gen("ed25519.der", "pkey", "-in", F("ed25519.pem"), "-outform", "DER", "-out", F("ed25519.der"));
        Gen("cert.pem", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=x", "-days", "30", "-keyout", F("certkey.pem"), "-out", F("cert.pem"));
        Gen("cert.der", "x509", "-in", F("cert.pem"), "-outform", "DER", "-out", F("cert.der"));
        Gen("eccert.pem", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=ec", "-days", "30", "-keyout", F("eccertkey.pem"), "-out", F("eccert.pem"));
        _dir.Write("cert+key.pem", Text("cert.pem") + Text("certkey.pem"));
        _dir.Write("key+cert.pem", Text("certkey.pem") + Text("cert.pem"));
        _dir.Write("key+pub.pem", Text("rsa2048.pem") + Text("rsa2048.pub.pem"));

        // Keys the importer must refuse.
        Gen("rsa1024.pem", "genrsa", "-out", F("rsa1024.pem"), "1024");
        Gen("dsaparam.pem", "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024", "-out", F("dsaparam.pem"));
        Gen("dsa.pem", "genpkey", "-paramfile", F("dsaparam.pem"), "-out", F("dsa.pem"));
        Gen("dsa.traditional.pem", "pkey", "-in", F("dsa.pem"), "-traditional", "-out", F("dsa.traditional.pem"));
        Gen("secp256k1.pem", "ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", F("secp256k1.pem"));
        Gen("p224.pem", "ecparam", "-name", "secp224r1", "-genkey", "-noout", "-out", F("p224.pem"));
        Gen("brainpool.pem", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:brainpoolP256r1", "-out", F("brainpool.pem"));
        Gen("x25519.pem", "genpkey", "-algorithm", "x25519", "-out", F("x25519.pem"));
        Gen("ed448.pem", "genpkey", "-algorithm", "ed448", "-out", F("ed448.pem"));
        Gen("legacy.pem", "genrsa", "-aes256", "-traditional", "-passout", "pass:" + Password, "-out", F("legacy.pem"), "2048");
        Gen("pbes1.pem", "pkcs8", "-topk8", "-in", F("rsa2048.pem"), "-v1", "PBE-SHA1-3DES", "-passout", "pass:" + Password, "-out", F("pbes1.pem"));
        Gen("scrypt.pem", "pkcs8", "-topk8", "-in", F("rsa2048.pem"), "-scrypt", "-passout", "pass:" + Password, "-out", F("scrypt.pem"));
        _dir.Write("mismatch.pem", Text("cert.pem") + Text("rsa2048.pem"));
        _dir.Write("twokeys.pem", Text("rsa2048.pem") + Text("rsa3072.pem"));
    }

    public string Path(string name) => _dir.File(name);

    public string Text(string name) => File.ReadAllText(_dir.File(name));

    public byte[] Bytes(string name) => File.ReadAllBytes(_dir.File(name));

    /// <summary>
    /// The RFC 7638 thumbprint of the public key in a PEM file (key or certificate), from openssl's
    /// text dump: the numbers are read from openssl's output and the canonical JSON is built here.
    /// </summary>
    public string IndependentKid(string name, bool isCertificate = false)
    {
        string publicPem = isCertificate
            ? OpenSsl.Run(new[] { "x509", "-in", Path(name), "-pubkey", "-noout" }).EnsureSuccess().StdOut
            : OpenSsl.Run(new[] { "pkey", "-in", Path(name), "-inform", name.EndsWith(".der", StringComparison.Ordinal) ? "DER" : "PEM", "-pubout" }).EnsureSuccess().StdOut;
        string dump = OpenSsl.RunWithInput(publicPem, "pkey", "-pubin", "-text", "-noout").EnsureSuccess().StdOut;
        string json;
        if (dump.Contains("Modulus:", StringComparison.Ordinal))
        {
            byte[] n = TrimZeros(HexBlock(dump, "Modulus:"));
            string expLine = dump.Split('\n').First(l => l.StartsWith("Exponent:", StringComparison.Ordinal));
            long exponent = long.Parse(expLine.Split(' ')[1], CultureInfo.InvariantCulture);
            byte[] e = TrimZeros(Enumerable.Reverse(BitConverter.GetBytes(exponent)).ToArray());
            json = $"{{\"e\":\"{B64Url(e)}\",\"kty\":\"RSA\",\"n\":\"{B64Url(n)}\"}}";
        }
        else if (dump.StartsWith("ED25519", StringComparison.Ordinal))
        {
            json = $"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{B64Url(HexBlock(dump, "pub:"))}\"}}";
        }
        else
        {
            byte[] point = HexBlock(dump, "pub:");
            Assert.Equal(0x04, point[0]);
            int half = (point.Length - 1) / 2;
            string curve = dump.Split('\n').First(l => l.StartsWith("NIST CURVE:", StringComparison.Ordinal)).Substring("NIST CURVE:".Length).Trim();
            json = $"{{\"crv\":\"{curve}\",\"kty\":\"EC\",\"x\":\"{B64Url(point.Skip(1).Take(half).ToArray())}\",\"y\":\"{B64Url(point.Skip(1 + half).ToArray())}\"}}";
        }

        return B64Url(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    public void Dispose() => _dir.Dispose();

    internal static string B64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] TrimZeros(byte[] b)
    {
        int i = 0;
        while (i < b.Length - 1 && b[i] == 0)
        {
            i++;
        }

        return b.Skip(i).ToArray();
    }

    /// <summary>The colon-separated hex lines that follow a heading line in an openssl -text dump.</summary>
    private static byte[] HexBlock(string dump, string heading)
    {
        string[] lines = dump.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
        int start = Array.FindIndex(lines, l => l.Trim() == heading);
        Assert.True(start >= 0, $"openssl dump has no '{heading}'");
        var hex = new StringBuilder();
        for (int i = start + 1; i < lines.Length && lines[i].StartsWith(' '); i++)
        {
            hex.Append(lines[i].Trim().Replace(":", string.Empty, StringComparison.Ordinal));
        }

        return Convert.FromHexString(hex.ToString());
    }

    private string F(string name) => _dir.File(name);

    private void Gen(string expectedFile, params string[] args)
    {
        OpenSsl.Run(args).EnsureSuccess();
        Assert.True(File.Exists(F(expectedFile)), $"openssl did not write {expectedFile}");
    }

    private void Encrypt(string file, string form, string cipher, string prf) =>
        Gen(file, "pkcs8", "-topk8", "-in", F("rsa2048.pem"), "-v2", cipher, "-v2prf", prf, "-passout", "pass:" + Password, "-outform", form, "-out", F(file));
}
