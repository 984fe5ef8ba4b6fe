using System;
using System.Collections.Generic;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Dfns;

/// <summary>New keys of the three types Dfns signs with (the caller owns them).</summary>
internal static class DfnsTestKeys
{
    public static IEnumerable<object[]> Algorithms() => new[]
    {
        new object[] { KeyAlgorithm.ES256 },
        new object[] { KeyAlgorithm.EdDSA },
        new object[] { KeyAlgorithm.RS256 },
    };

    public static RotationKey Create(KeyAlgorithm algorithm) => Jose.TestKeys.Create(algorithm);
}
