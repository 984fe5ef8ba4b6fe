using System.Management.Automation;
using PsCredRotate.Core;
using PsCredRotate.Core.Custody;

namespace PsCredRotate.Custody;

/// <summary>The checks every cmdlet with -Vault and -SecretName makes before it changes anything.</summary>
internal static class VaultParameters
{
    /// <summary>
    /// Null when neither parameter was given. Otherwise both must be (VaultParameterMissing) and
    /// SecretManagement must be installed (SecretManagementNotInstalled); then the location.
    /// </summary>
    public static VaultKeyLocation? Resolve(PSCmdlet cmdlet, string? vault, string? secretName)
    {
        if (vault is null && secretName is null)
        {
            return null;
        }

        SecretManagementVault.EnsureInstalled(cmdlet);
        if (string.IsNullOrWhiteSpace(vault) || string.IsNullOrWhiteSpace(secretName))
        {
            throw new PsCredRotateException(
                ErrorIds.VaultParameterMissing,
                ErrorKind.InvalidArgument,
                vault is null
                    ? $"-SecretName '{secretName}' needs -Vault: name the registered vault (Get-SecretVault lists them)."
                    : $"-Vault '{vault}' needs -SecretName: the name of the secret that holds the key.",
                vault ?? secretName);
        }

        return new VaultKeyLocation(vault!, secretName!);
    }
}
