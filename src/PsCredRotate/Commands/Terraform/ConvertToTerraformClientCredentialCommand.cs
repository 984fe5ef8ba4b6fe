using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Text;
using PsCredRotate.Completion;
using PsCredRotate.Core;
using PsCredRotate.Core.Auth0;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Terraform;

namespace PsCredRotate.Commands.Terraform;

/// <summary>
/// ConvertTo-TerraformClientCredential: the auth0_client_credentials HCL (with an import block)
/// for each client's current credentials, so Terraform can take over a rotation the module
/// started. One string per client, or all of them in -OutFile.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "TerraformClientCredential", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ConvertToTerraformClientCredentialCommand : Auth0ConnectedCmdlet
{
    private readonly List<RotationKey> _keys = new();
    private readonly HashSet<string> _seenClients = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly StringBuilder _file = new();
    private string? _outFile;
    private int _converted;
    private ItemProgress? _progress;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, HelpMessage = "The client (application) id.")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ClientIdCompleter))]
    public string[] ClientId { get; set; } = null!;

    /// <summary>Keys whose public PEM goes inline for the attached credential with the same kid.</summary>
    [Parameter]
    [ValidateNotNull]
    public RotationKey[]? Key { get; set; }

    /// <summary>Key files (PEM or JWK, private or public) read like Import-RotationKey for their public PEM.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? KeyPath { get; set; }

    /// <summary>Decrypts encrypted -KeyPath files.</summary>
    [Parameter]
    public SecureString? Password { get; set; }

    /// <summary>The folder of the file("…") references for credentials without a key (relative to the Terraform module; default 'keys').</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PemDirectory { get; set; } = TerraformClientCredentialOptions.DefaultPemDirectory;

    /// <summary>The Terraform resource name; default from the client's name. Takes one client.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResourceName { get; set; }

    /// <summary>Leave out the import block.</summary>
    [Parameter]
    public SwitchParameter NoImport { get; set; }

    /// <summary>Writes all clients' configuration to this file instead of the pipeline.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Replace an existing -OutFile.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            if (Key is not null)
            {
                _keys.AddRange(Key);
            }

            foreach (string path in KeyPath ?? Array.Empty<string>())
            {
                string resolved = ResolveFileSystemPath(path, ErrorIds.KeyFileNotFound);
                _keys.Add(KeyImporter.FromFile(resolved, new KeyImportOptions { Password = Password }));
            }

            if (ResourceName is not null && !HclWriter.IsIdentifier(ResourceName))
            {
                throw new PsCredRotateException(
                    ErrorIds.TerraformResourceNameInvalid,
                    ErrorKind.InvalidArgument,
                    $"'{ResourceName}' is not a Terraform resource name: use letters, digits, '_' and '-', starting with a letter or '_'.",
                    ResourceName);
            }

            _outFile = OutFile is null ? null : ResolveFileSystemPath(OutFile, ErrorIds.ExportPathInvalid);
            if (_outFile is not null && !Force && File.Exists(_outFile))
            {
                throw new PsCredRotateException(ErrorIds.ExportFileExists, ErrorKind.ResourceExists, $"'{_outFile}' exists. Use -Force to replace it.", _outFile);
            }
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string clientId in ClientId)
        {
            if (!_seenClients.Add(clientId))
            {
                // Get-ClientCredential writes one object per credential: one configuration per client.
                continue;
            }

            if (ResourceName is not null && _seenClients.Count > 1)
            {
                WriteError(new PsCredRotateException(
                    ErrorIds.TerraformResourceNameInvalid,
                    ErrorKind.InvalidArgument,
                    $"-ResourceName '{ResourceName}' names one resource; client '{clientId}' is a second client. Leave -ResourceName out to name each resource after its client.",
                    clientId));
                continue;
            }

            (_progress ??= new ItemProgress(this, "Converting client credentials to Terraform")).Next($"client '{clientId}'");
            if (!TryAwait(ct => Tenant.CredentialProvider.ReadAsync(clientId, ct), clientId, out ClientCredentialState state))
            {
                continue;
            }

            var options = new TerraformClientCredentialOptions
            {
                ResourceName = ResourceName ?? UniqueName(TerraformClientCredentialExporter.DefaultResourceName(state.ClientId, state.ClientName)),
                Keys = _keys,
                PemDirectory = PemDirectory,
                Import = !NoImport,
            };
            string text;
            try
            {
                text = TerraformClientCredentialExporter.Write(state, options);
            }
            catch (PsCredRotateException ex)
            {
                WriteError(ex);
                continue;
            }

            foreach (string kid in TerraformClientCredentialExporter.KidsWithoutKey(state, options))
            {
                WriteVerbose($"Client '{clientId}': no key for credential kid '{kid}'; its pem is a file() reference to {kid}.pem under the -PemDirectory folder, which must hold that public key.");
            }

            _converted++;
            if (_outFile is null)
            {
                WriteObject(text);
            }
            else
            {
                _file.Append(_file.Length == 0 ? string.Empty : "\n").Append(text);
            }
        }
    }

    protected override void EndProcessing()
    {
        _progress?.Complete();
        if (_outFile is null || _converted == 0)
        {
            return;
        }

        if (!ShouldProcess($"file '{_outFile}'", $"Write the auth0_client_credentials configuration of {_converted} client(s)"))
        {
            return;
        }

        try
        {
            WriteObject(TerraformClientCredentialExporter.WriteFile(_outFile, _file.ToString(), Force));
        }
        catch (PsCredRotateException ex)
        {
            ThrowTerminatingError(ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && KeyPath is not null)
        {
            // Keys read here from files are ours to dispose; -Key objects belong to the caller.
            for (int i = Key?.Length ?? 0; i < _keys.Count; i++)
            {
                _keys[i].Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private string UniqueName(string name)
    {
        string candidate = name;
        for (int n = 2; !_usedNames.Add(candidate); n++)
        {
            candidate = name + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
