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

    It 'exports exactly the key cmdlets' {
        $names = @(Get-Command -Module PsCredRotate | ForEach-Object { $_.Name } | Sort-Object)

        ($names -join ',') | Should -BeExactly 'Export-RotationKey,Import-RotationKey,New-ClientAssertion,New-RotationKey'
    }

    It 'imports without warnings (approved verbs only)' {
        $importWarnings | Should -BeNullOrEmpty
    }

    It 'shows keys in a table without key material' {
        $table = New-RotationKey -Algorithm ES256 -Name 'view-test' | Format-Table | Out-String

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
