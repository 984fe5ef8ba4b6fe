using System.IO;
using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;
using PsCredRotate.Custody;

namespace PsCredRotate.Commands.Keys;

/// <summary>
/// Export-RotationKey: writes a key to a file (owner-only when it holds private material) or, as
/// text, to the pipeline.
/// </summary>
/// <remarks>
/// Output: with -Path, the FileInfo of the file written (nothing under -WhatIf or when the user
/// declines); with -Path -PassThru, the input RotationKey instead of the FileInfo, so the key can
/// go on down the pipeline (New-RotationKey | Export-RotationKey -Path k.pem -PassThru | ...).
/// Without -Path, the key as text. Private material reaches the pipeline only with -AsPlainText,
/// even when encrypted with -Password. A key without a private half always exports its public half.
/// With -Vault -SecretName, the private key goes into a SecretManagement vault as a secret (PKCS#8
/// PEM, encrypted with -Password) with kid, algorithm and expiry as metadata; nothing is written to
/// the pipeline unless -PassThru.
/// </remarks>
[Cmdlet(VerbsData.Export, "RotationKey", DefaultParameterSetName = PipelineParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(string), ParameterSetName = new[] { PipelineParameterSet })]
[OutputType(typeof(FileInfo), ParameterSetName = new[] { PathParameterSet })]
[OutputType(typeof(RotationKey), ParameterSetName = new[] { PathParameterSet, VaultParameterSet })]
public sealed class ExportRotationKeyCommand : PsCredRotateCmdlet
{
    /// <summary>The key as text, written to the pipeline.</summary>
    public const string PipelineParameterSet = "Pipeline";

    /// <summary>The key written to a file.</summary>
    public const string PathParameterSet = "Path";

    /// <summary>The private key stored in a SecretManagement vault.</summary>
    public const string VaultParameterSet = "Vault";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The registered SecretManagement vault to store the private key in.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VaultParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Vault { get; set; } = null!;

    /// <summary>The name of the secret that holds the private key.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VaultParameterSet)]
    [ValidateNotNullOrEmpty]
    public string SecretName { get; set; } = null!;

    [Parameter(ParameterSetName = PipelineParameterSet)]
    [Parameter(ParameterSetName = PathParameterSet)]
    public KeyExportFormat Format { get; set; } = KeyExportFormat.Pem;

    [Parameter(ParameterSetName = PipelineParameterSet)]
    [Parameter(ParameterSetName = PathParameterSet)]
    public SwitchParameter PublicOnly { get; set; }

    /// <summary>Encrypts the private key (PKCS#8, PBES2/AES-256-CBC); Pem format only.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>Replace an existing file or secret. Never skips the ShouldProcess confirmation.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = VaultParameterSet)]
    public SwitchParameter Force { get; set; }

    [Parameter(ParameterSetName = PathParameterSet)]
    [Parameter(ParameterSetName = VaultParameterSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Allows private material to be written to the pipeline as text.</summary>
    [Parameter(ParameterSetName = PipelineParameterSet)]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == VaultParameterSet)
        {
            ExportToVault();
            return;
        }

        bool publicOnly = !KeyExporter.IncludesPrivate(Key, PublicOnly.IsPresent);
        if (ParameterSetName == PathParameterSet)
        {
            ExportToFile(publicOnly);
        }
        else
        {
            ExportToPipeline(publicOnly);
        }
    }

    private void ExportToFile(bool publicOnly)
    {
        string path;
        try
        {
            path = ResolveFileSystemPath(Path, ErrorIds.ExportPathInvalid);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        string what = publicOnly ? "public key" : (Password is null ? "private key (unencrypted)" : "private key (encrypted)");
        if (!ShouldProcess(path, $"Export {what} '{Key.Kid}' as {Format}"))
        {
            return;
        }

        FileInfo file;
        try
        {
            file = KeyExporter.ExportToFile(Key, path, Format, publicOnly, Password, overwrite: Force.IsPresent);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        WriteVerbose($"Wrote the {what} '{Key.Kid}' as {Format} to '{file.FullName}'.");
        WriteObject(PassThru.IsPresent ? Key : file);
    }

    private void ExportToVault()
    {
        VaultKeyLocation location;
        try
        {
            location = VaultParameters.Resolve(this, Vault, SecretName)!;
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
            return;
        }

        string what = Password is null ? "private key" : "private key (encrypted)";
        if (!ShouldProcess(location.ToString(), $"Store the {what} '{Key.Kid}' ({Key.Algorithm}) as PKCS#8 PEM, with its kid, algorithm and expiry as metadata"))
        {
            return;
        }

        try
        {
            KeyCustody.Store(new SecretManagementVault(this, Dispatcher), location, Key, details: null, Password, overwrite: Force.IsPresent);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        WriteVerbose($"Stored the {what} '{Key.Kid}' in the {location}.");
        if (PassThru.IsPresent)
        {
            WriteObject(Key);
        }
    }

    private void ExportToPipeline(bool publicOnly)
    {
        string text;
        try
        {
            text = KeyExporter.ExportAsText(Key, Format, publicOnly, Password, AsPlainText.IsPresent);
        }
        catch (PsCredRotateException ex)
        {
            WriteError(ex);
            return;
        }

        WriteObject(text);
    }
}
