using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PsCredRotate.Emulator.Auth0.Crypto;
using PsCredRotate.Emulator.Auth0.Model;

namespace PsCredRotate.Emulator.Auth0.Management;

/// <summary>Client credentials: validation of a create request, the stored record, and its JSON.</summary>
public static partial class CredentialRules
{
    public const int MaxPool = 4;
    public const int MaxAttached = 2;

    public static readonly IReadOnlySet<string> CreateFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "credential_type", "name", "pem", "subject_dn", "alg", "parse_expiry_from_cert", "expires_at", "kid",
    };

    public static readonly IReadOnlySet<string> PatchFields = new HashSet<string>(StringComparer.Ordinal) { "expires_at" };

    private static readonly string[] Algorithms = { "RS256", "RS384", "PS256" };
    private static readonly string[] Types = { "public_key", "cert_subject_dn", "x509_cert" };

    /// <summary>Builds a credential from a create body; throws <see cref="ApiError"/> (state untouched) when refused.</summary>
    public static Credential Build(JsonObject body, Client client, DateTimeOffset now, int pendingInPool = 0) =>
        Admit(Parse(body, now), client, pendingInPool);

    /// <summary>The client-side limits: at most 4 in the pool, and not a key the client already holds.</summary>
    public static Credential Admit(Credential credential, Client client, int pendingInPool = 0)
    {
        if (client.Credentials.Count + pendingInPool >= MaxPool)
        {
            throw new ApiError(400, Auth0Messages.PoolFull);
        }

        if (client.Credentials.Exists(c => string.Equals(c.KeyThumbprint, credential.KeyThumbprint, StringComparison.Ordinal)))
        {
            throw new ApiError(400, Auth0Messages.DuplicateKey, "invalid_body");
        }

        return credential;
    }

    /// <summary>Validates a create body and reads its key material (no client needed, so it runs outside the state lock).</summary>
    public static Credential Parse(JsonObject body, DateTimeOffset now)
    {
        ApiResults.RejectUnknown(body, CreateFields);
        string type = ApiResults.OptionalString(body, "credential_type")
            ?? throw ApiError.BadBody("Payload validation error: 'Missing required property: credential_type'.");
        if (Array.IndexOf(Types, type) < 0)
        {
            throw ApiError.BadBody($"Payload validation error: 'No enum match for: \"{type}\"' on property credential_type.");
        }

        string name = ApiResults.OptionalString(body, "name") ?? "";
        if (name.Length > 128)
        {
            throw ApiError.BadBody($"Payload validation error: 'String is too long ({name.Length} chars), maximum 128' on property name.");
        }

        string? pem = ApiResults.OptionalString(body, "pem");
        string? alg = ApiResults.OptionalString(body, "alg");
        string? kid = ApiResults.OptionalString(body, "kid");
        string? subjectDn = ApiResults.OptionalString(body, "subject_dn");
        bool parseExpiry = ApiResults.OptionalBool(body, "parse_expiry_from_cert") ?? false;
        DateTimeOffset? expiresAt = ParseExpiresAt(body);

        if (alg is not null && Array.IndexOf(Algorithms, alg) < 0)
        {
            throw ApiError.BadBody($"Payload validation error: 'No enum match for: \"{alg}\"' on property alg.");
        }

        if (kid is not null && !KidPattern().IsMatch(kid))
        {
            throw ApiError.BadBody($"Payload validation error: 'String does not match pattern ^[0-9a-zA-Z-_]{{10,64}}$: {kid}' on property kid.");
        }

        var credential = new Credential
        {
            Id = "cred_" + KeyMaterial.Base58Id(),
            Name = name,
            CredentialType = type,
            CreatedAt = now,
            UpdatedAt = now,
        };

        switch (type)
        {
            case "public_key":
                {
                    if (pem is null)
                    {
                        throw ApiError.BadBody("Payload validation error: 'Missing required property: pem'.");
                    }

                    (RSA rsa, CertificateFacts? cert) = ReadPublicKey(pem);
                    using (rsa)
                    {
                        if (rsa.KeySize < 2048 || rsa.KeySize > 4096)
                        {
                            throw ApiError.BadBody($"The key size must be between 2048 and 4096 bits (got {rsa.KeySize}).");
                        }

                        credential.Pem = pem;
                        credential.PublicKeyPem = rsa.ExportSubjectPublicKeyInfoPem();
                        credential.KeyThumbprint = KeyMaterial.JwkThumbprint(rsa.ExportParameters(false));
                        credential.Kid = kid ?? credential.KeyThumbprint;
                        credential.Alg = alg ?? "RS256";
                        credential.ExpiresAt = expiresAt ?? (parseExpiry && cert is not null ? KeyMaterial.Millis(cert.NotAfter) : null);
                    }

                    break;
                }

            case "x509_cert":
                {
                    CertificateFacts cert = ReadCertificate(pem ?? throw ApiError.BadBody("Payload validation error: 'Missing required property: pem'."));
                    credential.Pem = pem;
                    credential.ThumbprintSha256 = KeyMaterial.Base64Url(SHA256.HashData(cert.Der));
                    using RSA? rsa = cert.RsaPublicKey();
                    credential.KeyThumbprint = rsa is null ? credential.ThumbprintSha256 : KeyMaterial.JwkThumbprint(rsa.ExportParameters(false));
                    credential.ExpiresAt = KeyMaterial.Millis(cert.NotAfter);
                    break;
                }

            default:
                {
                    if (pem is not null && subjectDn is not null)
                    {
                        throw ApiError.BadBody("Payload validation error: 'pem' cannot be combined with 'subject_dn'.");
                    }

                    if (pem is not null)
                    {
                        CertificateFacts cert = ReadCertificate(pem);
                        credential.Pem = pem;
                        credential.SubjectDn = SubjectLines(cert.Subject);
                    }
                    else
                    {
                        credential.SubjectDn = subjectDn ?? throw ApiError.BadBody("Payload validation error: 'Missing required property: subject_dn'.");
                    }

                    credential.KeyThumbprint = "dn:" + credential.SubjectDn;
                    break;
                }
        }

        return credential;
    }

    /// <summary>expires_at of a create or patch body: ISO 8601, kept to the millisecond in UTC; null when absent or null.</summary>
    public static DateTimeOffset? ParseExpiresAt(JsonObject body)
    {
        string? text = ApiResults.OptionalString(body, "expires_at");
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            throw ApiError.BadBody($"Payload validation error: 'Object didn't pass validation for format date-time: {text}' on property expires_at.");
        }

        return KeyMaterial.Millis(parsed.ToUniversalTime());
    }

    /// <summary>The JSON Auth0 answers; <paramref name="nullExpiry"/> writes "expires_at": null (GET) instead of leaving it out (POST).</summary>
    public static JsonObject Render(Credential c, bool nullExpiry)
    {
        var o = new JsonObject { ["id"] = c.Id, ["credential_type"] = c.CredentialType };
        if (c.Kid is not null)
        {
            o["kid"] = c.Kid;
        }

        if (c.Alg is not null)
        {
            o["alg"] = c.Alg;
        }

        o["name"] = c.Name;
        if (c.ThumbprintSha256 is not null)
        {
            o["thumbprint_sha256"] = c.ThumbprintSha256;
        }

        if (c.SubjectDn is not null)
        {
            o["subject_dn"] = c.SubjectDn;
        }

        o["created_at"] = KeyMaterial.Timestamp(c.CreatedAt);
        o["updated_at"] = KeyMaterial.Timestamp(c.UpdatedAt);
        if (c.ExpiresAt is { } expires)
        {
            o["expires_at"] = KeyMaterial.Timestamp(expires);
        }
        else if (nullExpiry && c.CredentialType != "cert_subject_dn")
        {
            o["expires_at"] = null;
        }

        return o;
    }

    private static (RSA Key, CertificateFacts? Certificate) ReadPublicKey(string pem)
    {
        if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            CertificateFacts cert = ReadCertificate(pem);
            RSA rsa = cert.RsaPublicKey() ?? throw ApiError.BadBody("Only RSA public keys are supported.");
            return (rsa, cert);
        }

        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            return (key, null);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw ApiError.BadBody(pem.Contains("BEGIN PUBLIC KEY", StringComparison.Ordinal) ? "Only RSA public keys are supported." : "The pem is not a valid public key or certificate.");
        }
    }

    private static CertificateFacts ReadCertificate(string pem) =>
        CertificateFacts.TryParse(pem) ?? throw ApiError.BadBody("The pem is not a valid certificate.");

    /// <summary>Subject RDNs in certificate order joined with newlines (C=JP\nST=Tokyo\n...), as Auth0 shows subject_dn.</summary>
    public static string SubjectLines(X500DistinguishedName name) =>
        string.Join('\n', name.EnumerateRelativeDistinguishedNames(reversed: false).Select(rdn =>
        {
            Oid type = rdn.GetSingleElementType();
            string label = type.Value switch
            {
                "2.5.4.6" => "C",
                "2.5.4.8" => "ST",
                "2.5.4.7" => "L",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "2.5.4.3" => "CN",
                "1.2.840.113549.1.9.1" => "emailAddress",
                _ => type.Value ?? "?",
            };
            return label + "=" + rdn.GetSingleElementValue();
        }));

    [GeneratedRegex("^[0-9a-zA-Z-_]{10,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KidPattern();
}
