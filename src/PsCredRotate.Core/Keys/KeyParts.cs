using System;
using System.Collections.Generic;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// The keys and certificates one input holds, and the rule that turns them into one
/// <see cref="RotationKey"/>: at most one key pair (a private key, its public key, or both), and
/// any number of certificates of which the one holding the key is used (or, with no key, the leaf).
/// </summary>
internal sealed class KeyParts
{
    private readonly List<KeyMaterial> _privateKeys = new();
    private readonly List<KeyMaterial> _publicKeys = new();
    private KeyMaterial? _used;

    public List<KeyCertificate> Certificates { get; } = new();

    public void AddPrivate(KeyMaterial material) => _privateKeys.Add(material);

    public void AddPublic(KeyMaterial material) => _publicKeys.Add(material);

    /// <summary>The key; <paramref name="embeddedAlgorithm"/> is a JWK's "alg", used when no algorithm was asked for.</summary>
    public RotationKey Build(KeyAlgorithm? embeddedAlgorithm, KeyImportOptions options)
    {
        KeyMaterial? key = ChooseKey();
        KeyCertificate? certificate = null;
        if (key is null)
        {
            if (Certificates.Count == 0)
            {
                throw new PsCredRotateException(
                    ErrorIds.KeyFormatUnrecognized,
                    ErrorKind.InvalidData,
                    "The input holds no key and no certificate.");
            }

            certificate = Leaf();
            key = certificate.PublicKey();
            _publicKeys.Add(key);
        }
        else if (Certificates.Count > 0)
        {
            certificate = Certificates.Find(c => c.Matches(key)) ?? throw new PsCredRotateException(
                ErrorIds.CertificateKeyMismatch,
                ErrorKind.InvalidData,
                Certificates.Count == 1
                    ? $"The certificate '{Certificates[0].Subject}' does not hold this key's public key: the key and the certificate are not a pair."
                    : $"None of the {Certificates.Count} certificates holds this key's public key: the key and the certificates are not a pair.",
                Certificates[0].Sha1Thumbprint);
        }

        KeyAlgorithm algorithm = options.Algorithm ?? embeddedAlgorithm ?? KeyAlgorithms.DefaultFor(key.KeyType, key.Curve);
        var result = new RotationKey(key, algorithm, options.Name, certificate, options.Now ?? DateTimeOffset.UtcNow);
        _used = key;
        return result;
    }

    /// <summary>Disposes every material that did not end up in the returned key.</summary>
    public void DisposeUnused()
    {
        foreach (KeyMaterial m in _privateKeys)
        {
            if (!ReferenceEquals(m, _used))
            {
                m.Dispose();
            }
        }

        foreach (KeyMaterial m in _publicKeys)
        {
            if (!ReferenceEquals(m, _used))
            {
                m.Dispose();
            }
        }
    }

    private KeyMaterial? ChooseKey()
    {
        KeyMaterial? key = _privateKeys.Count > 0 ? _privateKeys[0] : _publicKeys.Count > 0 ? _publicKeys[0] : null;
        if (key is null)
        {
            return null;
        }

        string kid = JwkThumbprint.Compute(key);
        foreach (KeyMaterial other in _privateKeys)
        {
            CheckSame(kid, other);
        }

        foreach (KeyMaterial other in _publicKeys)
        {
            CheckSame(kid, other);
        }

        return key;
    }

    private static void CheckSame(string kid, KeyMaterial other)
    {
        if (!string.Equals(kid, JwkThumbprint.Compute(other), StringComparison.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.PemMultipleKeys,
                ErrorKind.InvalidData,
                "The input holds more than one key. Import one key at a time (a private key, optionally with its own public key and certificate).");
        }
    }

    /// <summary>The certificate no other certificate in the input was issued by; the first one otherwise.</summary>
    private KeyCertificate Leaf()
    {
        foreach (KeyCertificate candidate in Certificates)
        {
            bool issuesAnother = false;
            foreach (KeyCertificate other in Certificates)
            {
                if (!ReferenceEquals(other, candidate)
                    && other.Certificate.IssuerDN.Equivalent(candidate.Certificate.SubjectDN)
                    && !other.Certificate.SubjectDN.Equivalent(other.Certificate.IssuerDN))
                {
                    issuesAnother = true;
                    break;
                }
            }

            if (!issuesAnother)
            {
                return candidate;
            }
        }

        return Certificates[0];
    }
}
