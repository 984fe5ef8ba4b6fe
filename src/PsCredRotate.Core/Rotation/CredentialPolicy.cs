using System.Collections.Generic;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Rotation;

/// <summary>A provider's limits, checked before any call so that bad input changes nothing.</summary>
public sealed class CredentialPolicy
{
    /// <summary>Auth0: 2 attached per method, 4 stored per client, RS256/RS384/PS256, RSA 2048-4096 bits.</summary>
    public static readonly CredentialPolicy Auth0 = new(
        maxAttached: 2,
        maxStored: 4,
        algorithms: new[] { KeyAlgorithm.RS256, KeyAlgorithm.RS384, KeyAlgorithm.PS256 },
        minRsaKeySize: 2048,
        maxRsaKeySize: 4096,
        separateAttach: true);

    public CredentialPolicy(int maxAttached, int maxStored, IReadOnlyList<KeyAlgorithm> algorithms, int minRsaKeySize, int maxRsaKeySize, bool separateAttach)
    {
        MaxAttached = maxAttached;
        MaxStored = maxStored;
        Algorithms = algorithms;
        MinRsaKeySize = minRsaKeySize;
        MaxRsaKeySize = maxRsaKeySize;
        SeparateAttach = separateAttach;
    }

    /// <summary>How many credentials the private_key_jwt method may list at once.</summary>
    public int MaxAttached { get; }

    /// <summary>How many credential records a client may hold, attached or not.</summary>
    public int MaxStored { get; }

    /// <summary>The assertion algorithms the provider accepts for a credential.</summary>
    public IReadOnlyList<KeyAlgorithm> Algorithms { get; }

    public int MinRsaKeySize { get; }

    public int MaxRsaKeySize { get; }

    /// <summary>True when a created credential must be attached in a separate step (Auth0); false when adding is attaching (RFC 7592 jwks).</summary>
    public bool SeparateAttach { get; }
}
