using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>
/// Real Auth0 traffic (recorded by Auth0's own SDK and Terraform provider tests): every public-key
/// PEM sent when creating a credential, with the kid Auth0 answered. Our import must give the very
/// same kid, since that is how rotation finds the credential again.
/// </summary>
public sealed class Auth0FixtureKidTests
{
    private static readonly Lazy<IReadOnlyList<PemKid>> Pairs = new(ReadAllPairs);

    public static TheoryData<string> Kids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (PemKid pair in Pairs.Value)
            {
                data.Add(pair.Kid);
            }

            return data;
        }
    }

    [Fact]
    public void The_recordings_hold_at_least_three_distinct_pem_and_kid_pairs_in_both_pem_forms()
    {
        IReadOnlyList<PemKid> pairs = Pairs.Value;

        Assert.True(pairs.Count >= 3, $"found {pairs.Count} distinct PEM/kid pairs");
        Assert.Contains(pairs, p => p.Pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal));
        Assert.Contains(pairs, p => p.Pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kids))]
    public void Importing_the_pem_sent_to_auth0_gives_the_kid_auth0_returned(string auth0Kid)
    {
        PemKid pair = Pairs.Value.Single(p => p.Kid == auth0Kid);

        using RotationKey key = KeyImporter.FromPem(pair.Pem);

        Assert.Equal(auth0Kid, key.Kid);
        Assert.False(key.HasPrivateKey);
        Assert.Equal(KeyAlgorithm.RS256, key.Algorithm);
    }

    private static IReadOnlyList<PemKid> ReadAllPairs()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "auth0-recordings");
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(dir, "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
        {
            foreach ((string request, string response) in Interactions(File.ReadAllLines(file)))
            {
                foreach (PemKid pair in CredentialPairs(request, response))
                {
                    if (found.TryGetValue(pair.Kid, out string? pem))
                    {
                        Assert.Equal(Normalize(pem), Normalize(pair.Pem));
                    }
                    else
                    {
                        found.Add(pair.Kid, pair.Pem);
                    }
                }
            }
        }

        return found.Select(kv => new PemKid(kv.Value, kv.Key)).ToList();
    }

    private static string Normalize(string pem) => pem.Replace("\r", string.Empty, StringComparison.Ordinal).Trim();

    /// <summary>
    /// The request and response bodies of each go-vcr interaction. A minimal reader for the shape
    /// go-vcr writes: a request body is a literal block ("body: |" and indented lines), a response
    /// body a single-quoted scalar on one line ('' escapes a quote), or "".
    /// </summary>
    private static IEnumerable<(string Request, string Response)> Interactions(string[] lines)
    {
        string? request = null;
        string? section = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].Trim();
            if (trimmed == "request:" || trimmed == "response:")
            {
                section = trimmed.TrimEnd(':');
                continue;
            }

            if (!trimmed.StartsWith("body:", StringComparison.Ordinal) || section is null)
            {
                continue;
            }

            string value = trimmed.Substring("body:".Length).Trim();
            string body;
            if (value == "|")
            {
                int indent = lines[i + 1].Length - lines[i + 1].TrimStart().Length;
                var block = new List<string>();
                while (i + 1 < lines.Length && lines[i + 1].Length - lines[i + 1].TrimStart().Length >= indent && lines[i + 1].Trim().Length > 0)
                {
                    block.Add(lines[i + 1].Substring(indent));
                    i++;
                }

                body = string.Join("\n", block);
            }
            else if (value.StartsWith('\''))
            {
                Assert.True(value.Length >= 2 && value.EndsWith('\''), "a single-quoted body spans lines; extend the reader");
                body = value.Substring(1, value.Length - 2).Replace("''", "'", StringComparison.Ordinal);
            }
            else
            {
                body = value.Trim('"');
            }

            if (section == "request")
            {
                request = body;
            }
            else
            {
                yield return (request ?? string.Empty, body);
                request = null;
            }

            section = null;
        }
    }

    /// <summary>PEM/kid pairs: POST .../credentials (one credential) or client creation with client_authentication_methods.</summary>
    private static IEnumerable<PemKid> CredentialPairs(string request, string response)
    {
        if (!request.Contains("\"pem\"", StringComparison.Ordinal) || !response.TrimStart().StartsWith('{'))
        {
            yield break;
        }

        using JsonDocument req = JsonDocument.Parse(request);
        using JsonDocument resp = JsonDocument.Parse(response);
        var pairs = new List<PemKid>();
        if (req.RootElement.TryGetProperty("pem", out _))
        {
            AddPair(pairs, req.RootElement, resp.RootElement);
        }
        else if (req.RootElement.TryGetProperty("client_authentication_methods", out JsonElement reqMethods)
            && resp.RootElement.TryGetProperty("client_authentication_methods", out JsonElement respMethods))
        {
            foreach (JsonProperty method in reqMethods.EnumerateObject())
            {
                if (!method.Value.TryGetProperty("credentials", out JsonElement sent)
                    || !respMethods.TryGetProperty(method.Name, out JsonElement answeredMethod)
                    || !answeredMethod.TryGetProperty("credentials", out JsonElement answered))
                {
                    continue;
                }

                Assert.Equal(sent.GetArrayLength(), answered.GetArrayLength());
                for (int k = 0; k < sent.GetArrayLength(); k++)
                {
                    AddPair(pairs, sent[k], answered[k]);
                }
            }
        }

        foreach (PemKid pair in pairs)
        {
            yield return pair;
        }
    }

    private static void AddPair(List<PemKid> pairs, JsonElement sent, JsonElement answered)
    {
        if (sent.TryGetProperty("credential_type", out JsonElement type) && type.GetString() == "public_key"
            && sent.TryGetProperty("pem", out JsonElement pem)
            && answered.TryGetProperty("kid", out JsonElement kid))
        {
            pairs.Add(new PemKid(pem.GetString()!, kid.GetString()!));
        }
    }

    private sealed record PemKid(string Pem, string Kid);
}
