using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// RFC 7638 JWK thumbprint: SHA-256 over the required public members, in lexicographic order,
/// as JSON without whitespace; base64url. This is the kid Auth0 assigns and PsCredRotate's name
/// for a key.
/// </summary>
public static class JwkThumbprint
{
    /// <summary>The canonical JSON of RFC 7638 §3 for the given required members (already sorted).</summary>
    internal static string CanonicalJson(IReadOnlyList<KeyValuePair<string, string>> requiredMembers)
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < requiredMembers.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            // Member names and values here are ASCII (names, curve names, base64url): no escaping needed.
            sb.Append('"').Append(requiredMembers[i].Key).Append("\":\"").Append(requiredMembers[i].Value).Append('"');
        }

        return sb.Append('}').ToString();
    }

    internal static string Compute(KeyMaterial material)
    {
        using var sha = SHA256.Create();
        return Base64Url.Encode(sha.ComputeHash(Encoding.UTF8.GetBytes(CanonicalJson(material.PublicJwkMembers()))));
    }

    /// <summary>The thumbprint of a key.</summary>
    public static string Compute(RotationKey key)
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        return Compute(key.Material);
    }
}
