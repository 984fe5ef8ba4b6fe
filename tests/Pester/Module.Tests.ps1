#Requires -Version 5.1
# Pester 5 tests for the module as a whole, run against the built module (out/PsCredRotate).

BeforeAll {
    $modulePath = $env:PSCREDROTATE_MODULE
    if ([string]::IsNullOrEmpty($modulePath)) {
        $modulePath = Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'
    }
    $importWarnings = $null
    $module = Import-Module -Name $modulePath -Force -PassThru -ErrorAction Stop -WarningVariable importWarnings
}

Describe 'The PsCredRotate module' {
    It 'has a valid manifest' {
        $manifest = Test-ModuleManifest -Path $modulePath -ErrorAction Stop

        $manifest.Name | Should -BeExactly 'PsCredRotate'
        $manifest.Version | Should -Not -Be ([version]'0.0.0')
    }

    It 'carries the version of its assembly' {
        $assembly = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $module.ModuleBase 'PsCredRotate.dll'))

        $module.Version.Major | Should -Be $assembly.Version.Major
        $module.Version.Minor | Should -Be $assembly.Version.Minor
        $module.Version.Build | Should -Be $assembly.Version.Build
    }

    It 'exports exactly the key, connection, credential and rotation cmdlets' {
        $names = @(Get-Command -Module PsCredRotate | ForEach-Object { $_.Name } | Sort-Object)
        $expected = @(
            'Add-ClientCredential'
            'Complete-ClientCredentialRotation'
            'Connect-Auth0Tenant'
            'Disable-ClientCredential'
            'Disconnect-Auth0Tenant'
            'Connect-OidcClientRegistration'
            'Disconnect-OidcClientRegistration'
            'Disconnect-DfnsOrganization'
            'Enable-ClientCredential'
            'Export-RotationKey'
            'Get-Auth0Client'
            'Get-ClientCredential'
            'Get-ExpiringCredential'
            'Get-ConnectionKey'
            'Import-RotationKey'
            'Invoke-ClientCredentialRotation'
            'Invoke-ClientSecretRotation'
            'Invoke-ConnectionKeyRotation'
            'New-ClientAssertion'
            'New-ConnectionKey'
            'New-RotationKey'
            'Remove-ClientCredential'
            'Set-ClientCredential'
            'Start-ClientCredentialRotation'
            'Test-ClientCredential'
            'Undo-ClientCredentialRotation'
            'Get-SigningKey'
            'Revoke-SigningKey'
            'Invoke-SigningKeyRotation'
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

        $names.Count | Should -Be 41
        ($names -join ',') | Should -BeExactly (($expected | Sort-Object) -join ',')
    }

    It 'answers Get-Help for every cmdlet with its synopsis, parameters and examples (from docs/cmdlets)' {
        foreach ($command in Get-Command -Module PsCredRotate) {
            $help = Get-Help -Name $command.Name -Full

            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $command.Name
            $help.Synopsis.Trim() | Should -Not -BeLike ($command.Name + '*') -Because "$($command.Name) has a written synopsis, not the generated syntax line"
            @($help.Examples.Example).Count | Should -BeGreaterThan 0 -Because $command.Name
            $declared = @($command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters })
            $documented = @($help.Parameters.Parameter | ForEach-Object { $_.Name })
            foreach ($name in $declared) {
                $documented | Should -Contain $name -Because "$($command.Name) -$name is described in its help"
            }
        }
    }

    It 'asks before every change: <Name> has -WhatIf and -Confirm with ConfirmImpact <Impact>' -ForEach @(
        @{ Name = 'Add-ClientCredential'; Impact = 'Medium' }
        @{ Name = 'Enable-ClientCredential'; Impact = 'Medium' }
        @{ Name = 'Disable-ClientCredential'; Impact = 'Medium' }
        @{ Name = 'Set-ClientCredential'; Impact = 'Medium' }
        @{ Name = 'Remove-ClientCredential'; Impact = 'High' }
        @{ Name = 'Start-ClientCredentialRotation'; Impact = 'Medium' }
        @{ Name = 'Complete-ClientCredentialRotation'; Impact = 'High' }
        @{ Name = 'Undo-ClientCredentialRotation'; Impact = 'High' }
        @{ Name = 'Invoke-ClientCredentialRotation'; Impact = 'High' }
    ) {
        $command = Get-Command -Name $Name
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1

        $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
        $attribute.ConfirmImpact.ToString() | Should -BeExactly $Impact
    }

    It 'binds -ClientId of <Name> by property name, so Get-Auth0Client output pipes in' -ForEach @(
        @{ Name = 'Get-ClientCredential' }
        @{ Name = 'Add-ClientCredential' }
        @{ Name = 'Enable-ClientCredential' }
        @{ Name = 'Disable-ClientCredential' }
        @{ Name = 'Set-ClientCredential' }
        @{ Name = 'Remove-ClientCredential' }
        @{ Name = 'Test-ClientCredential' }
        @{ Name = 'Start-ClientCredentialRotation' }
        @{ Name = 'Invoke-ClientCredentialRotation' }
    ) {
        $parameter = (Get-Command -Name $Name).Parameters['ClientId']
        $byName = @($parameter.ParameterSets.Values | Where-Object { $_.ValueFromPipelineByPropertyName })

        $byName.Count | Should -BeGreaterThan 0
    }

    It 'imports without warnings (approved verbs only)' {
        $importWarnings | Should -BeNullOrEmpty
    }

    It 'shows keys in a table without key material' {
        # Wide enough for every column: a non-interactive host formats for 80 columns otherwise.
        $table = New-RotationKey -Algorithm ES256 -Name 'view-test' | Format-Table | Out-String -Width 250

        $table | Should -Match 'Kid'
        $table | Should -Match 'Size'
        $table | Should -Match 'P-256'
        $table | Should -Match 'view-test'
        $table | Should -Not -Match 'BEGIN'
    }

    It 'asks before Export-RotationKey writes a file' {
        $command = Get-Command -Name Export-RotationKey

        $command.Parameters.ContainsKey('WhatIf') | Should -BeTrue
        $command.Parameters.ContainsKey('Confirm') | Should -BeTrue
    }
}
