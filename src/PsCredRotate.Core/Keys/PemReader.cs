using System;
using System.Collections.Generic;
using System.IO;

namespace PsCredRotate.Core.Keys;

/// <summary>One decoded PEM block: its label and the DER bytes of its body.</summary>
internal sealed class PemBlock
{
    public PemBlock(string label, byte[] der)
    {
        Label = label;
        Der = der;
    }

    public string Label { get; }

    public byte[] Der { get; }
}

/// <summary>
/// Strict RFC 7468 reader. Finds every "-----BEGIN label-----" ... "-----END label-----" block;
/// text outside blocks is ignored (openssl and PKCS#12 tools write comments and attributes there).
/// The body is base64 with optional whitespace; RFC 1421 headers are only recognised to refuse the
/// legacy OpenSSL encryption ("Proc-Type: 4,ENCRYPTED"). Labels outside the supported set are
/// refused; "EC PARAMETERS" blocks (written by <c>openssl ecparam -genkey</c>) are skipped.
/// Messages never quote the body.
/// </summary>
internal static class PemReader
{
    public const string EcParametersLabel = "EC PARAMETERS";

    private const string BeginPrefix = "-----BEGIN ";
    private const string EndPrefix = "-----END ";
    private const string Dashes = "-----";

    private static readonly HashSet<string> SupportedLabels = new(StringComparer.Ordinal)
    {
        Pem.PrivateKeyLabel,
        Pem.EncryptedPrivateKeyLabel,
        Pem.RsaPrivateKeyLabel,
        Pem.EcPrivateKeyLabel,
        Pem.PublicKeyLabel,
        Pem.RsaPublicKeyLabel,
        Pem.CertificateLabel,
    };

    /// <summary>True when the text holds a PEM encapsulation boundary.</summary>
    public static bool LooksLikePem(string text) => text.IndexOf(BeginPrefix, StringComparison.Ordinal) >= 0;

    /// <summary>Reads every supported block, in order; EC PARAMETERS blocks are dropped.</summary>
    public static IReadOnlyList<PemBlock> Read(string text)
    {
        var blocks = new List<PemBlock>();
        string[] lines = SplitLines(text);
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i].Trim();
            if (!line.StartsWith(BeginPrefix, StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            string label = ParseBoundaryLabel(line, BeginPrefix);
            int end = FindEnd(lines, i + 1, label);
            string endLabel = ParseBoundaryLabel(lines[end].Trim(), EndPrefix);
            if (!string.Equals(label, endLabel, StringComparison.Ordinal))
            {
                throw new PsCredRotateException(
                    ErrorIds.PemLabelMismatch,
                    ErrorKind.InvalidData,
                    $"The PEM block that begins with '{label}' ends with '{endLabel}'. The labels of BEGIN and END must be the same; the file is damaged or was edited by hand.",
                    label);
            }

            if (!string.Equals(label, EcParametersLabel, StringComparison.Ordinal))
            {
                CheckLabel(label);
                blocks.Add(new PemBlock(label, DecodeBody(lines, i + 1, end, label)));
            }

            i = end + 1;
        }

        return blocks;
    }

    private static string[] SplitLines(string text)
    {
        var lines = new List<string>();
        using var reader = new StringReader(text);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lines.Add(line);
        }

        return lines.ToArray();
    }

    private static string ParseBoundaryLabel(string line, string prefix)
    {
        if (!line.EndsWith(Dashes, StringComparison.Ordinal) || line.Length < prefix.Length + Dashes.Length)
        {
            throw new PsCredRotateException(
                ErrorIds.PemTruncated,
                ErrorKind.InvalidData,
                "A PEM boundary line is incomplete: it must read '-----BEGIN label-----' or '-----END label-----'.");
        }

        return line.Substring(prefix.Length, line.Length - prefix.Length - Dashes.Length);
    }

    /// <summary>The index of the END line for a block opened just before <paramref name="start"/>.</summary>
    private static int FindEnd(string[] lines, int start, string label)
    {
        for (int j = start; j < lines.Length; j++)
        {
            string line = lines[j].Trim();
            if (line.StartsWith(EndPrefix, StringComparison.Ordinal))
            {
                return j;
            }

            if (line.StartsWith(BeginPrefix, StringComparison.Ordinal))
            {
                break;
            }
        }

        throw new PsCredRotateException(
            ErrorIds.PemTruncated,
            ErrorKind.InvalidData,
            $"The PEM block '{label}' has no '-----END {label}-----' line: the input is truncated. Copy the whole block, including its END line.",
            label);
    }

    private static void CheckLabel(string label)
    {
        if (SupportedLabels.Contains(label))
        {
            return;
        }

        string hint = label switch
        {
            "OPENSSH PRIVATE KEY" => " Convert it to PKCS#8 with 'ssh-keygen -p -m PKCS8 -f <file>' (this rewrites the file in place; work on a copy).",
            "DSA PRIVATE KEY" => " DSA keys are not supported; use an RSA, EC or Ed25519 key.",
            _ => " Supported blocks: PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE.",
        };
        throw new PsCredRotateException(
            ErrorIds.PemLabelUnsupported,
            ErrorKind.InvalidData,
            $"PEM blocks labelled '{label}' are not supported.{hint}",
            label);
    }

    private static byte[] DecodeBody(string[] lines, int start, int end, string label)
    {
        var body = new System.Text.StringBuilder();
        bool inHeaders = true;
        for (int j = start; j < end; j++)
        {
            string line = lines[j].Trim();
            if (inHeaders && line.IndexOf(':') > 0)
            {
                // RFC 1421 header, as written by OpenSSL's legacy ("traditional") encryption.
                if (line.StartsWith("Proc-Type:", StringComparison.OrdinalIgnoreCase)
                    && line.IndexOf("ENCRYPTED", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    throw new PsCredRotateException(
                        ErrorIds.PemLegacyEncryptionUnsupported,
                        ErrorKind.InvalidData,
                        $"The '{label}' block uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED), which is weak and not supported. Convert it to encrypted PKCS#8 with 'openssl pkcs8 -topk8 -v2 aes-256-cbc -in <old> -out <new>' and import the new file with -Password.",
                        label);
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            inHeaders = false;
            body.Append(line);
        }

        string b64 = RemoveWhitespace(body.ToString());
        if (!IsStrictBase64(b64))
        {
            throw InvalidBase64(label, null);
        }

        try
        {
            return Convert.FromBase64String(b64);
        }
        catch (FormatException ex)
        {
            throw InvalidBase64(label, ex);
        }
    }

    private static PsCredRotateException InvalidBase64(string label, Exception? inner) => new(
        ErrorIds.PemInvalidBase64,
        ErrorKind.InvalidData,
        $"The body of the PEM block '{label}' is not valid base64: the block is damaged or empty.",
        label,
        inner);

    private static string RemoveWhitespace(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Standard alphabet, padding only at the end, length a multiple of four, not empty.</summary>
    private static bool IsStrictBase64(string s)
    {
        if (s.Length == 0 || s.Length % 4 != 0)
        {
            return false;
        }

        int padding = 0;
        for (int k = 0; k < s.Length; k++)
        {
            char c = s[k];
            if (c == '=')
            {
                padding++;
                continue;
            }

            if (padding > 0)
            {
                return false;
            }

            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok)
            {
                return false;
            }
        }

        return padding <= 2;
    }
}
