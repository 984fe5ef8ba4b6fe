using System;

namespace PsCredRotate.Core.Keys;

/// <summary>What New-RotationKey asks for.</summary>
public sealed class KeyGenerationOptions
{
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.RS256;

    /// <summary>RSA modulus bits (2048, 3072, 4096); null means 2048. Refused for EC and OKP keys.</summary>
    public int? KeySize { get; set; }

    public string? Name { get; set; }

    /// <summary>Add a self-signed X.509 certificate.</summary>
    public bool Certificate { get; set; }

    /// <summary>Certificate subject as an X.500 name; default <c>CN=&lt;Name&gt;</c> (or CN=PsCredRotate).</summary>
    public string? Subject { get; set; }

    /// <summary>End of the certificate's validity. Exclusive with <see cref="ValidFor"/>.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>Length of the certificate's validity from now. Exclusive with <see cref="NotAfter"/>.</summary>
    public TimeSpan? ValidFor { get; set; }

    /// <summary>The clock; tests set it.</summary>
    public DateTimeOffset? Now { get; set; }
}

/// <summary>Generates rotation keys (platform crypto; Ed25519 and certificates through BouncyCastle).</summary>
public static class KeyGenerator
{
    public static RotationKey Generate(KeyGenerationOptions options)
    {
        throw new NotImplementedException("KeyGenerator.Generate: being written (issue 2, keys: generate/certificate/export).");
    }
}
