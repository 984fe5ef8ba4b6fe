using System;
using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Commands.Keys;

/// <summary>
/// New-RotationKey: generates a key pair (optionally with a self-signed certificate) in memory.
/// </summary>
/// <remarks>
/// No SupportsShouldProcess, on purpose: the key exists only in this process until another cmdlet
/// (Export-RotationKey, or a provider cmdlet) does something with it, and those ask. Asking before
/// creating an object in memory would only add noise to -WhatIf runs of a rotation script, which
/// need the key object to show what the later, state-changing steps would do.
/// </remarks>
[Cmdlet(VerbsCommon.New, "RotationKey", DefaultParameterSetName = KeyParameterSet)]
[OutputType(typeof(RotationKey))]
public sealed class NewRotationKeyCommand : PsCredRotateCmdlet
{
    /// <summary>A bare key pair.</summary>
    public const string KeyParameterSet = "Key";

    /// <summary>A key pair with a self-signed X.509 certificate.</summary>
    public const string CertificateParameterSet = "Certificate";

    [Parameter(Position = 0)]
    public KeyAlgorithm Algorithm { get; set; } = KeyAlgorithm.RS256;

    /// <summary>RSA modulus size; passed to Core only when given, so Core's default applies otherwise.</summary>
    [Parameter]
    public int KeySize { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateParameterSet)]
    public SwitchParameter Certificate { get; set; }

    [Parameter(ParameterSetName = CertificateParameterSet)]
    [ValidateNotNullOrEmpty]
    public string? Subject { get; set; }

    /// <summary>End of the certificate's validity; a [datetime] converts to it. Exclusive with -ValidFor.</summary>
    [Parameter(ParameterSetName = CertificateParameterSet)]
    public DateTimeOffset NotAfter { get; set; }

    /// <summary>Length of the certificate's validity from now. Exclusive with -NotAfter.</summary>
    [Parameter(ParameterSetName = CertificateParameterSet)]
    public TimeSpan ValidFor { get; set; }

    protected override void EndProcessing()
    {
        // NotAfter together with ValidFor is refused by Core (CertificateValidityInvalid).
        var options = new KeyGenerationOptions
        {
            Algorithm = Algorithm,
            KeySize = IsBound(nameof(KeySize)) ? KeySize : null,
            Name = Name,
            Certificate = Certificate.IsPresent,
            Subject = Subject,
            NotAfter = IsBound(nameof(NotAfter)) ? NotAfter : null,
            ValidFor = IsBound(nameof(ValidFor)) ? ValidFor : null,
        };

        RotationKey key;
        try
        {
            key = KeyGenerator.Generate(options);
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        WriteVerbose(key.CertificateThumbprint is null
            ? $"Generated a {key.Algorithm} key, kid '{key.Kid}'."
            : $"Generated a {key.Algorithm} key, kid '{key.Kid}', with a self-signed certificate (SHA-1 {key.CertificateThumbprint}) valid until {key.NotAfter:u}.");
        WriteObject(key);
    }
}
