using System.IO;
using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Keys;

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
/// </remarks>
[Cmdlet(VerbsData.Export, "RotationKey", DefaultParameterSetName = PipelineParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(string), ParameterSetName = new[] { PipelineParameterSet })]
[OutputType(typeof(FileInfo), typeof(RotationKey), ParameterSetName = new[] { PathParameterSet })]
public sealed class ExportRotationKeyCommand : PsCredRotateCmdlet
{
    /// <summary>The key as text, written to the pipeline.</summary>
    public const string PipelineParameterSet = "Pipeline";

    /// <summary>The key written to a file.</summary>
    public const string PathParameterSet = "Path";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public RotationKey Key { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathParameterSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    [Parameter]
    public KeyExportFormat Format { get; set; } = KeyExportFormat.Pem;

    [Parameter]
    public SwitchParameter PublicOnly { get; set; }

    /// <summary>Encrypts the private key (PKCS#8, PBES2/AES-256-CBC); Pem format only.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>Replace an existing file. Never skips the ShouldProcess confirmation.</summary>
    [Parameter(ParameterSetName = PathParameterSet)]
    public SwitchParameter Force { get; set; }

    [Parameter(ParameterSetName = PathParameterSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Allows private material to be written to the pipeline as text.</summary>
    [Parameter(ParameterSetName = PipelineParameterSet)]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecord()
    {
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
