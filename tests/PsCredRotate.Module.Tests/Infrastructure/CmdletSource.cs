using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// Source-level checks for what metadata cannot show (what a call's arguments are built from).
/// A call is found by name and read up to its matching closing parenthesis; comments and string
/// contents are read as written, which is what the checks want (a secret named in an interpolated
/// string counts).
/// </summary>
internal static class CmdletSource
{
    /// <summary>The .cs files of src/PsCredRotate, without obj/ and bin/.</summary>
    public static IEnumerable<string> Files() =>
        Directory.GetFiles(RepoPaths.CmdletSources, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"));

    /// <summary>Every call of one of <paramref name="methods"/> in <paramref name="source"/>, with its arguments.</summary>
    public static IEnumerable<string> Calls(string source, params string[] methods)
    {
        var start = new Regex(@"\b(" + string.Join("|", methods.Select(Regex.Escape)) + @")\s*\(", RegexOptions.CultureInvariant);
        foreach (Match m in start.Matches(source))
        {
            int depth = 0;
            int i = m.Index + m.Length - 1;
            for (; i < source.Length; i++)
            {
                if (source[i] == '(')
                {
                    depth++;
                }
                else if (source[i] == ')' && --depth == 0)
                {
                    break;
                }
            }

            yield return source.Substring(m.Index, Math.Min(i + 1, source.Length) - m.Index);
        }
    }

    /// <summary>Names whose value is secret, or that reach secret material.</summary>
    public static readonly Regex SecretReference = new(
        @"\b(Password|Secret|ClientSecret|NewKey|Reveal\w*|ToSecureString|Pem|PublicKeyPem|CertificatePem|KeyExporter|Export|text|token|assertion\s*\))\b",
        RegexOptions.CultureInvariant);

    /// <summary>Calls that write to streams a user may log (verbose, debug, warning, information, progress).</summary>
    public static readonly string[] LoggedStreams = ["WriteVerbose", "WriteDebug", "WriteWarning", "WriteInformation", "WriteProgress"];

    public static IEnumerable<string> SecretsInLoggedStreams(string source) =>
        Calls(source, LoggedStreams).Where(call => SecretReference.IsMatch(call));
}
