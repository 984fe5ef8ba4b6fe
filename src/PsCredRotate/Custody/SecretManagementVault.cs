using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Security;
using PsCredRotate.Core;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Threading;

namespace PsCredRotate.Custody;

/// <summary>
/// <see cref="IKeyVaultStore"/> over the Microsoft.PowerShell.SecretManagement module: each call
/// runs Get-SecretInfo, Get-Secret or Set-Secret, module-qualified (so no other module's command of
/// the same name answers), in the cmdlet's session on its pipeline thread (workers reach it through
/// the dispatcher). Results come back to this class, never to the pipeline; a failure becomes
/// VaultReadFailed / VaultWriteFailed with SecretManagement's error kept as the inner exception.
/// </summary>
internal sealed class SecretManagementVault : IKeyVaultStore
{
    /// <summary>The module that provides the vault commands.</summary>
    public const string ModuleName = "Microsoft.PowerShell.SecretManagement";

    private const string IsInstalledScript =
        "param($m) [bool](Microsoft.PowerShell.Core\\Get-Module -Name $m) -or [bool](Microsoft.PowerShell.Core\\Get-Module -ListAvailable -Name $m)";

    private const string GetInfoScript =
        "param($n, $v) Microsoft.PowerShell.SecretManagement\\Get-SecretInfo -Name ([System.Management.Automation.WildcardPattern]::Escape($n)) -Vault $v -ErrorAction Stop | Microsoft.PowerShell.Core\\Where-Object { $_.Name -eq $n }";

    private const string GetSecretScript =
        "param($n, $v) Microsoft.PowerShell.SecretManagement\\Get-Secret -Name $n -Vault $v -ErrorAction Stop";

    private const string SetSecretScript =
        "param($n, $v, $s, $m) Microsoft.PowerShell.SecretManagement\\Set-Secret -Name $n -Vault $v -SecureStringSecret $s -Metadata $m -Confirm:$false -WhatIf:$false -ErrorAction Stop";

    private readonly PSCmdlet _cmdlet;
    private readonly PipelineDispatcher _dispatcher;

    public SecretManagementVault(PSCmdlet cmdlet, PipelineDispatcher dispatcher)
    {
        _cmdlet = cmdlet ?? throw new ArgumentNullException(nameof(cmdlet));
        _dispatcher = dispatcher ?? throw new ArgumentNullException(nameof(dispatcher));
    }

    /// <summary>
    /// Throws <see cref="ErrorIds.SecretManagementNotInstalled"/> unless the module is imported or
    /// can be (it is on PSModulePath). Call on the pipeline thread, before any change.
    /// </summary>
    public static void EnsureInstalled(PSCmdlet cmdlet)
    {
        Collection<PSObject> answer = cmdlet.InvokeCommand.InvokeScript(false, ScriptBlock.Create(IsInstalledScript), null, ModuleName);
        if (answer.Count == 1 && answer[0]?.BaseObject is true)
        {
            return;
        }

        throw new PsCredRotateException(
            ErrorIds.SecretManagementNotInstalled,
            ErrorKind.NotImplemented,
            $"-Vault needs the {ModuleName} module, which is not installed. Install it with 'Install-PSResource {ModuleName}' (or 'Install-Module {ModuleName}'), register a vault with Register-SecretVault, and run the command again; nothing was changed.",
            ModuleName);
    }

    public VaultSecretInfo? GetInfo(string vault, string secretName)
    {
        Collection<PSObject> found = Run(GetInfoScript, ErrorIds.VaultReadFailed, $"Reading the secret information of '{secretName}' in vault '{vault}'", secretName, vault);
        foreach (PSObject item in found)
        {
            if (item is null)
            {
                continue;
            }

            string? type = item.Properties["Type"]?.Value?.ToString();
            return new VaultSecretInfo(secretName, type, MetadataOf(item.Properties["Metadata"]?.Value));
        }

        return null;
    }

    public SecureString? GetSecret(string vault, string secretName)
    {
        Collection<PSObject> found = Run(GetSecretScript, ErrorIds.VaultReadFailed, $"Reading the secret '{secretName}' in vault '{vault}'", secretName, vault);
        if (found.Count == 0 || found[0] is null)
        {
            return null;
        }

        return found[0].BaseObject switch
        {
            SecureString secure => secure,
            string text => SecureStrings.FromString(text),
            _ => throw new PsCredRotateException(
                ErrorIds.VaultSecretInvalid,
                ErrorKind.InvalidData,
                $"The secret '{secretName}' in vault '{vault}' is a {found[0].BaseObject?.GetType().Name ?? "null"}, not a private key in PEM text.",
                $"vault '{vault}', secret '{secretName}'"),
        };
    }

    public void SetSecret(string vault, string secretName, SecureString secret, IReadOnlyDictionary<string, object> metadata)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object> entry in metadata)
        {
            table[entry.Key] = entry.Value;
        }

        Run(SetSecretScript, ErrorIds.VaultWriteFailed, $"Storing the secret '{secretName}' in vault '{vault}'", secretName, vault, secret, table);
    }

    private static Dictionary<string, object?> MetadataOf(object? value)
    {
        var metadata = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        object? bare = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (bare is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (entry.Key?.ToString() is { } key)
                {
                    metadata[key] = entry.Value is PSObject inner ? inner.BaseObject : entry.Value;
                }
            }
        }

        return metadata;
    }

    private Collection<PSObject> Run(string script, string errorId, string what, params object[] args) =>
        _dispatcher.Invoke(() =>
        {
            try
            {
                return _cmdlet.InvokeCommand.InvokeScript(false, ScriptBlock.Create(script), null, args);
            }
            catch (RuntimeException e) when (e is not PipelineStoppedException)
            {
                string reason = e.ErrorRecord?.Exception?.Message ?? e.Message;
                throw new PsCredRotateException(
                    errorId,
                    errorId == ErrorIds.VaultWriteFailed ? ErrorKind.WriteError : ErrorKind.ReadError,
                    $"{what} failed: {reason}",
                    $"vault '{args[1]}', secret '{args[0]}'",
                    e);
            }
        });
}
