#
# Module manifest for PsCredRotate.
#
# ModuleVersion stays '0.0.0' here: the build (src/PsCredRotate/PsCredRotate.csproj, target
# StagePsCredRotateModule) writes the one version number from Directory.Build.props into the staged
# copy, out/PsCredRotate/PsCredRotate.psd1. Import the staged module, not this file.
# Keep this file ASCII: Windows PowerShell 5.1 reads BOM-less files in the system code page.
#
@{
    RootModule           = 'PsCredRotate.dll'
    ModuleVersion        = '0.0.0'
    GUID                 = 'f587a6f1-aa9c-4fd8-9774-f8db8694766e'
    Author               = 'PsCredRotate contributors'
    CompanyName          = 'PsCredRotate contributors'
    Copyright            = 'Copyright (c) PsCredRotate contributors'
    Description          = 'Rotates machine credentials without locking anyone out: Auth0 private_key_jwt credentials and signing keys, Dfns service-account keys, OpenID Connect client keys. Generates, imports and exports keys (PEM, JWK, JWKS, X.509) and signs client assertions.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'

    # Explicit lists: no wildcards, so PowerShell need not load the assembly to discover commands.
    CmdletsToExport      = @(
        'New-RotationKey'
        'Import-RotationKey'
        'Export-RotationKey'
        'New-ClientAssertion'
        'Connect-Auth0Tenant'
        'Disconnect-Auth0Tenant'
        'Connect-OidcClientRegistration'
        'Disconnect-OidcClientRegistration'
        'Disconnect-DfnsOrganization'
        'Get-Auth0Client'
        'Get-ClientCredential'
        'Add-ClientCredential'
        'Enable-ClientCredential'
        'Disable-ClientCredential'
        'Set-ClientCredential'
        'Remove-ClientCredential'
        'Test-ClientCredential'
        'Start-ClientCredentialRotation'
        'Complete-ClientCredentialRotation'
        'Undo-ClientCredentialRotation'
        'Invoke-ClientCredentialRotation'
        'Get-SigningKey'
        'Revoke-SigningKey'
        'Invoke-SigningKeyRotation'
        'Get-ExpiringCredential'
        'Invoke-ClientSecretRotation'
        'Get-ConnectionKey'
        'New-ConnectionKey'
        'Invoke-ConnectionKeyRotation'
        'Connect-DfnsOrganization'
        'Get-DfnsCredential'
        'Add-DfnsCredential'
        'Test-DfnsCredential'
        'Disable-DfnsCredential'
        'Enable-DfnsCredential'
        'Invoke-DfnsKeyRotation'
        'Test-WebhookSignature'
        'Get-DfnsWebhook'
        'New-DfnsWebhook'
        'Remove-DfnsWebhook'
        'ConvertTo-TerraformClientCredential'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    FormatsToProcess     = @('PsCredRotate.format.ps1xml')

    PrivateData          = @{
        PSData = @{
            Tags         = @(
                'Auth0'
                'Dfns'
                'OIDC'
                'OAuth2'
                'credential-rotation'
                'key-rotation'
                'private_key_jwt'
                'JWK'
                'JWKS'
                'JWT'
                'X509'
                'PSEdition_Core'
                'PSEdition_Desktop'
                'Windows'
                'Linux'
                'MacOS'
            )
            # Placeholders until the repository is published; LICENSE is at the repository root.
            ProjectUri   = 'https://github.com/PsCredRotate/PsCredRotate'
            LicenseUri   = 'https://github.com/PsCredRotate/PsCredRotate/blob/main/LICENSE'
            # Prerelease = ''
            ReleaseNotes = '0.1.0: the first release. Key material: New-RotationKey (RSA, RSA-PSS, ECDSA, Ed25519, optional self-signed certificate), Import-RotationKey (PEM, encrypted PKCS#8, certificates, JWK), Export-RotationKey (PEM, JWK, JWKS; owner-only files), New-ClientAssertion (RFC 7523 private_key_jwt). Auth0: Connect/Disconnect-Auth0Tenant, Get-Auth0Client, Get/Add/Enable/Disable/Set/Remove/Test-ClientCredential and Start/Complete/Undo/Invoke-ClientCredentialRotation (the new key proven with a real token before the old one is retired; slot- and pool-aware; resumable; bulk with -ThrottleLimit); tenant signing keys on a schedule (Get-SigningKey, Invoke-SigningKeyRotation, Revoke-SigningKey); connection keys (Get/New-ConnectionKey, Invoke-ConnectionKeyRotation); Invoke-ClientSecretRotation; Get-ExpiringCredential. Dfns: Connect/Disconnect-DfnsOrganization, Get/Add/Test/Disable/Enable-DfnsCredential, Invoke-DfnsKeyRotation, Get/New/Remove-DfnsWebhook, Test-WebhookSignature. Any OpenID provider with RFC 7592 client management: Connect/Disconnect-OidcClientRegistration with the same *-ClientCredential cmdlets. Terraform hand-over: ConvertTo-TerraformClientCredential. Loads in Windows PowerShell 5.1 and PowerShell 7.4+ (see docs/compatibility.md).'
        }
    }
}
