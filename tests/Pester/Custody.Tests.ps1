#Requires -Version 5.1
# Pester 5 tests for key custody in SecretManagement vaults: -Vault/-SecretName on
# Export/Import-RotationKey and Invoke/Start-ClientCredentialRotation, run against the built module
# and the emulator. Microsoft.PowerShell.SecretManagement is not on this machine's package
# sources, so a stand-in module of that name (the real commands' names, parameters and types over an
# in-memory vault; metadata values checked as SecretStore does) is written to a temporary folder
# put first on PSModulePath. PsCredRotate calls it module-qualified, as it would the real one.
# Invoke-DfnsKeyRotation -Vault runs against the same emulator's Dfns endpoints.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    function New-SecretManagementStandIn {
        param([Parameter(Mandatory = $true)] [string] $Root)

        $dir = Join-Path $Root 'Microsoft.PowerShell.SecretManagement'
        New-Item -ItemType Directory -Path $dir -Force | Out-Null
        $psm1 = @'
    # Stand-in for Microsoft.PowerShell.SecretManagement: the real commands' names, parameters and
    # types, over an in-memory vault. Metadata values are checked like SecretStore does (string, int,
    # DateTime). $global:SecretManagementStandInHook, when set, is called after each Set-Secret.
    $script:Vaults = @{}

    function Get-StandInVault([string] $Vault) {
        if ([string]::IsNullOrEmpty($Vault)) { $Vault = 'Default' }
        if (-not $script:Vaults.ContainsKey($Vault)) { $script:Vaults[$Vault] = @{} }
        return $script:Vaults[$Vault]
    }

    function Set-Secret {
        [CmdletBinding(DefaultParameterSetName = 'SecureStringParameterSet', SupportsShouldProcess = $true)]
        param(
            [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'SecureStringParameterSet')]
            [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'ObjectParameterSet')]
            [string] $Name,
            [Parameter(Mandatory = $true, ValueFromPipeline = $true, ParameterSetName = 'ObjectParameterSet')]
            [object] $Secret,
            [Parameter(Mandatory = $true, ValueFromPipeline = $true, ParameterSetName = 'SecureStringParameterSet')]
            [securestring] $SecureStringSecret,
            [Parameter(Position = 1)]
            [string] $Vault,
            [Parameter(Position = 2, ParameterSetName = 'SecureStringParameterSet')]
            [Parameter(Position = 2, ParameterSetName = 'ObjectParameterSet')]
            [hashtable] $Metadata,
            [switch] $NoClobber
        )
        process {
            $store = Get-StandInVault $Vault
            if ($NoClobber -and $store.ContainsKey($Name)) {
                throw "A secret with name $Name already exists in vault $Vault."
            }
            if ($null -ne $Metadata) {
                foreach ($value in $Metadata.Values) {
                    $bare = if ($value -is [psobject]) { $value.psobject.BaseObject } else { $value }
                    if (-not ($bare -is [string] -or $bare -is [int] -or $bare -is [datetime])) {
                        throw "Metadata value type $($bare.GetType().FullName) is not supported: use string, int or DateTime."
                    }
                }
            }
            if (-not $PSCmdlet.ShouldProcess($Vault, "Write secret $Name")) { return }
            $value = if ($PSCmdlet.ParameterSetName -eq 'SecureStringParameterSet') { $SecureStringSecret.Copy() } else { $Secret }
            $copy = @{}
            if ($null -ne $Metadata) { foreach ($k in $Metadata.Keys) { $copy[$k] = $Metadata[$k] } }
            $store[$Name] = [pscustomobject]@{ Value = $value; Metadata = $copy }
            if ($null -ne $global:SecretManagementStandInHook) { & $global:SecretManagementStandInHook $Name $Vault }
        }
    }

    function Get-Secret {
        [CmdletBinding(DefaultParameterSetName = 'NameParameterSet')]
        param(
            [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'NameParameterSet')]
            [string] $Name,
            [Parameter(Position = 1, ParameterSetName = 'NameParameterSet')]
            [string] $Vault,
            [switch] $AsPlainText
        )
        $store = Get-StandInVault $Vault
        if (-not $store.ContainsKey($Name)) {
            Write-Error -Message "The secret $Name was not found." -ErrorId 'GetSecretNotFound' -Category ObjectNotFound
            return
        }
        $value = $store[$Name].Value
        if ($value -is [securestring] -and $AsPlainText) {
            return [System.Net.NetworkCredential]::new('', $value).Password
        }
        if ($value -is [string] -and -not $AsPlainText) {
            return (ConvertTo-SecureString -String $value -AsPlainText -Force)
        }
        # Like a real vault, every read returns a new object (callers may dispose it).
        if ($value -is [securestring]) {
            return $value.Copy()
        }
        return $value
    }

    function Get-SecretInfo {
        [CmdletBinding()]
        param(
            [Parameter(Position = 0)]
            [string] $Name = '*',
            [Parameter(Position = 1)]
            [string] $Vault
        )
        $vaultName = if ([string]::IsNullOrEmpty($Vault)) { 'Default' } else { $Vault }
        $store = Get-StandInVault $Vault
        $pattern = [System.Management.Automation.WildcardPattern]::new($Name, 'IgnoreCase')
        foreach ($key in @($store.Keys | Sort-Object)) {
            if ($pattern.IsMatch($key)) {
                $entry = $store[$key]
                $type = if ($entry.Value -is [securestring]) { 'SecureString' } elseif ($entry.Value -is [string]) { 'String' } else { 'Unknown' }
                $dict = [System.Collections.Generic.Dictionary[string, object]]::new([System.StringComparer]::OrdinalIgnoreCase)
                foreach ($k in $entry.Metadata.Keys) { $dict[$k] = $entry.Metadata[$k] }
                [pscustomobject]@{
                    PSTypeName = 'Microsoft.PowerShell.SecretManagement.SecretInformation'
                    Name       = $key
                    Type       = $type
                    VaultName  = $vaultName
                    Metadata   = [System.Collections.ObjectModel.ReadOnlyDictionary[string, object]]::new($dict)
                }
            }
        }
    }

    function Remove-Secret {
        [CmdletBinding(SupportsShouldProcess = $true)]
        param(
            [Parameter(Mandatory = $true, Position = 0)]
            [string] $Name,
            [Parameter(Mandatory = $true, Position = 1)]
            [string] $Vault
        )
        $store = Get-StandInVault $Vault
        if ($PSCmdlet.ShouldProcess($Vault, "Remove secret $Name")) { $store.Remove($Name) }
    }

    Export-ModuleMember -Function Set-Secret, Get-Secret, Get-SecretInfo, Remove-Secret
'@
        Set-Content -LiteralPath (Join-Path $dir 'Microsoft.PowerShell.SecretManagement.psm1') -Value $psm1 -Encoding UTF8
        New-ModuleManifest -Path (Join-Path $dir 'Microsoft.PowerShell.SecretManagement.psd1') -RootModule 'Microsoft.PowerShell.SecretManagement.psm1' `
            -ModuleVersion '1.1.2' -FunctionsToExport @('Set-Secret', 'Get-Secret', 'Get-SecretInfo', 'Remove-Secret') -CmdletsToExport @() -VariablesToExport @() -AliasesToExport @()
        return $Root
    }

    $standInRoot = New-SecretManagementStandIn -Root (Join-Path $TestDrive 'modules')
    $originalModulePath = $env:PSModulePath
    $env:PSModulePath = $standInRoot + [System.IO.Path]::PathSeparator + $env:PSModulePath

    $k = @{}
    foreach ($name in @('Vault1', 'Vault2', 'Current')) {
        $k[$name] = New-RotationKey -Name ('custody-' + $name)
    }
    $clients = @(
        (New-TestClientSeed -ClientId 'cust-one' -Name 'Custody one attached' -Attached @($k.Vault1)),
        (New-TestClientSeed -ClientId 'cust-two' -Name 'Custody two' -Attached @($k.Vault2)),
        (New-TestClientSeed -ClientId 'cust-current' -Name 'Custody current key' -Attached @($k.Current))
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath -Dfns
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    function New-SecretName {
        return 'custody-' + [guid]::NewGuid().ToString('N')
    }
}

AfterAll {
    $global:SecretManagementStandInHook = $null
    $env:PSModulePath = $originalModulePath
    Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction SilentlyContinue
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Export-RotationKey -Vault -SecretName' {
    It 'stores the private key as a PKCS#8 PEM SecureString secret with kid, algorithm and expiry as metadata' {
        $key = New-RotationKey -Algorithm PS256 -Certificate -ValidFor (New-TimeSpan -Days 90)
        $name = New-SecretName

        $out = $key | Export-RotationKey -Vault 'Ops' -SecretName $name

        $out | Should -BeNullOrEmpty
        $info = Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name
        $info.Type | Should -BeExactly 'SecureString'
        $info.Metadata['Kid'] | Should -BeExactly $key.Kid
        $info.Metadata['Algorithm'] | Should -BeExactly 'PS256'
        $info.Metadata['KeySize'] | Should -Be 2048
        $info.Metadata['ExpiresAt'] | Should -BeOfType [datetime]
        $info.Metadata['ExpiresAt'] | Should -Be $key.NotAfter.UtcDateTime
        $info.Metadata['Format'] | Should -BeExactly 'PKCS8-PEM'
        $pem = Microsoft.PowerShell.SecretManagement\Get-Secret -Vault 'Ops' -Name $name -AsPlainText
        $pem | Should -Match '-----BEGIN PRIVATE KEY-----'
        (Import-RotationKey -Pem $pem).Kid | Should -BeExactly $key.Kid
    }

    It 'encrypts the secret with -Password and writes the key with -PassThru' {
        $key = New-RotationKey -Algorithm ES256
        $name = New-SecretName
        $password = ConvertTo-SecureString -String 'custody-password' -AsPlainText -Force

        $out = $key | Export-RotationKey -Vault 'Ops' -SecretName $name -Password $password -PassThru

        $out.Kid | Should -BeExactly $key.Kid
        Microsoft.PowerShell.SecretManagement\Get-Secret -Vault 'Ops' -Name $name -AsPlainText | Should -Match 'BEGIN ENCRYPTED PRIVATE KEY'
        (Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name).Metadata['Format'] | Should -BeExactly 'PKCS8-PEM-ENCRYPTED'
    }

    It 'refuses to replace a secret without -Force, and replaces it with -Force' {
        $first = New-RotationKey
        $second = New-RotationKey
        $name = New-SecretName
        $first | Export-RotationKey -Vault 'Ops' -SecretName $name

        $err = Get-FirstError { $second | Export-RotationKey -Vault 'Ops' -SecretName $name }

        $err.FullyQualifiedErrorId | Should -BeLike 'VaultSecretExists,*'
        (Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name).Metadata['Kid'] | Should -BeExactly $first.Kid
        $second | Export-RotationKey -Vault 'Ops' -SecretName $name -Force
        (Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name).Metadata['Kid'] | Should -BeExactly $second.Kid
    }

    It 'stores nothing with -WhatIf' {
        $name = New-SecretName

        New-RotationKey | Export-RotationKey -Vault 'Ops' -SecretName $name -WhatIf

        Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name | Should -BeNullOrEmpty
    }

    It 'puts no private key in any output stream' {
        $key = New-RotationKey
        $lines = Get-PrivateKeyLines -Key $key

        $text = Get-AllOutputText { $key | Export-RotationKey -Vault 'Ops' -SecretName (New-SecretName) -PassThru -Verbose }

        $text | Should -Match ([regex]::Escape($key.Kid))
        foreach ($line in $lines) {
            $text.Contains($line) | Should -BeFalse
        }
    }
}

Describe 'Import-RotationKey -Vault -SecretName' {
    It 'reads the key back with the same kid and the algorithm from the metadata' {
        $key = New-RotationKey -Algorithm PS256
        $name = New-SecretName
        $key | Export-RotationKey -Vault 'Ops' -SecretName $name

        $back = Import-RotationKey -Vault 'Ops' -SecretName $name

        $back.Kid | Should -BeExactly $key.Kid
        $back.Algorithm.ToString() | Should -BeExactly 'PS256'
        $back.HasPrivateKey | Should -BeTrue
    }

    It 'reads an encrypted secret with -Password' {
        $key = New-RotationKey -Algorithm EdDSA
        $name = New-SecretName
        $password = ConvertTo-SecureString -String 'custody-password' -AsPlainText -Force
        $key | Export-RotationKey -Vault 'Ops' -SecretName $name -Password $password

        (Import-RotationKey -Vault 'Ops' -SecretName $name -Password $password).Kid | Should -BeExactly $key.Kid
    }

    It 'reports VaultSecretNotFound for a secret that does not exist, and takes no wildcards' {
        $name = New-SecretName
        New-RotationKey | Export-RotationKey -Vault 'Ops' -SecretName $name

        (Get-FirstError { Import-RotationKey -Vault 'Ops' -SecretName (New-SecretName) }).FullyQualifiedErrorId | Should -BeLike 'VaultSecretNotFound,*'
        (Get-FirstError { Import-RotationKey -Vault 'Ops' -SecretName ($name.Substring(0, 12) + '*') }).FullyQualifiedErrorId | Should -BeLike 'VaultSecretNotFound,*'
    }

    It 'reports VaultSecretInvalid for a secret that is not a PEM key, without its value' {
        $name = New-SecretName
        Microsoft.PowerShell.SecretManagement\Set-Secret -Vault 'Ops' -Name $name -Secret 'hunter2-not-a-key'

        $err = Get-FirstError { Import-RotationKey -Vault 'Ops' -SecretName $name }

        $err.FullyQualifiedErrorId | Should -BeLike 'VaultSecretInvalid,*'
        $err.ToString() | Should -Not -Match 'hunter2'
    }
}

Describe 'Invoke-ClientCredentialRotation -Vault -SecretName against the emulator' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $global:SecretManagementStandInHook = $null
    }

    It 'stores the new key in the vault before it is uploaded, and the vault keeps the key that works' {
        $name = New-SecretName
        $script:storedKidsAtStore = $null
        $global:SecretManagementStandInHook = { param($secretName, $vault) $script:storedKidsAtStore = @(Get-StoredKid -Emulator $emulator -ClientId 'cust-one') }
        $deploy = { param($clientId, $key) }

        $rotation = Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy $deploy -Confirm:$false

        $global:SecretManagementStandInHook = $null
        @($script:storedKidsAtStore) -join ',' | Should -BeExactly $k.Vault1.Kid
        $rotation.Phase.ToString() | Should -BeExactly 'Completed'
        $rotation.Vault | Should -BeExactly 'Ops'
        $rotation.SecretName | Should -BeExactly $name
        (Get-AttachedKid -Emulator $emulator -ClientId 'cust-one') -join ',' | Should -BeExactly $rotation.NewKid
        $info = Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name
        $info.Metadata['Kid'] | Should -BeExactly $rotation.NewKid
        $info.Metadata['ClientId'] | Should -BeExactly 'cust-one'
        $info.Metadata['Provider'] | Should -Not -BeNullOrEmpty
        (Import-RotationKey -Vault 'Ops' -SecretName $name).Kid | Should -BeExactly $rotation.NewKid
    }

    It 'reuses the key in the secret when run again after a failed deploy, without a second credential' {
        $name = New-SecretName
        $failing = { param($clientId, $key) throw 'deploy target unreachable' }
        $first = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy $failing -Confirm:$false }
        $first.FullyQualifiedErrorId | Should -BeLike 'RotationDeployFailed,*'
        $kept = (Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name).Metadata['Kid']
        $kept | Should -Not -BeNullOrEmpty
        (Get-AttachedKid -Emulator $emulator -ClientId 'cust-one') -join ',' | Should -BeExactly $k.Vault1.Kid

        $script:deployedKid = $null
        $rotation = Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy { param($clientId, $key) $script:deployedKid = $key.Kid } -Confirm:$false

        $rotation.NewKid | Should -BeExactly $kept
        $script:deployedKid | Should -BeExactly $kept
        (Get-StoredKid -Emulator $emulator -ClientId 'cust-one') -join ',' | Should -BeExactly $kept
    }

    It 'resumes a started rotation from the secret with Start-ClientCredentialRotation run again' {
        $name = New-SecretName

        $first = Start-ClientCredentialRotation -ClientId 'cust-two' -Audience $TestApi -Vault 'Ops' -SecretName $name
        $second = Start-ClientCredentialRotation -ClientId 'cust-two' -Audience $TestApi -Vault 'Ops' -SecretName $name

        $second.NewKid | Should -BeExactly $first.NewKid
        @(Get-StoredKid -Emulator $emulator -ClientId 'cust-two').Count | Should -Be 2
    }

    It 'refuses a secret holding the key the client already uses, changing nothing' {
        $name = New-SecretName
        $k.Current | Export-RotationKey -Vault 'Ops' -SecretName $name
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'cust-current' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy { } -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretNameHoldsCurrentKey,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses one -SecretName for several clients before any call' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'cust-one', 'cust-two' -Audience $TestApi -Vault 'Ops' -SecretName (New-SecretName) -Deploy { } -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationKeyConflict,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -Vault without -SecretName' {
        (Get-FirstError { Start-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' }).FullyQualifiedErrorId | Should -BeLike 'VaultParameterMissing,*'
    }

    It 'changes nothing and stores nothing with -WhatIf' {
        $name = New-SecretName
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy { } -WhatIf | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name | Should -BeNullOrEmpty
    }

    It 'puts no private key in any output stream' {
        $name = New-SecretName
        $deploy = { param($clientId, $key) }

        $text = Get-AllOutputText { Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName $name -Deploy $deploy -Confirm:$false -Verbose }

        $stored = Import-RotationKey -Vault 'Ops' -SecretName $name
        $text | Should -Match ([regex]::Escape($stored.Kid))
        foreach ($line in (Get-PrivateKeyLines -Key $stored)) {
            $text.Contains($line) | Should -BeFalse
        }
    }
}

Describe 'Invoke-DfnsKeyRotation -Vault -SecretName against the emulator' {
    BeforeAll {
        function Get-DfnsCredentialCount {
            return @(((Invoke-EmulatorAdmin -Emulator $emulator -Method Get -Path 'dfns/state').Content | ConvertFrom-Json).credentials).Count
        }
    }

    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $global:SecretManagementStandInHook = $null
        $dfnsKey = New-RotationKey -Algorithm ES256
        $account = (Invoke-EmulatorAdmin -Emulator $emulator -Method Post -Path 'dfns/service-accounts' -Body @{ name = 'custody-sa'; publicKey = $dfnsKey.PublicKeyPem }).Content | ConvertFrom-Json
        $token = ConvertTo-SecureString -String $account.token -AsPlainText -Force
        $dfns = Connect-DfnsOrganization -Token $token -CredentialId $account.credId -Key $dfnsKey -BaseUri $emulator.BaseUrl -NoDefault
    }

    It 'stores the new key before its credential is added, and a rerun after a failed deploy reuses it' {
        $name = New-SecretName
        $script:countAtStore = $null
        $before = Get-DfnsCredentialCount
        $global:SecretManagementStandInHook = { param($secretName, $vault) $script:countAtStore = Get-DfnsCredentialCount }

        $err = Get-FirstError { Invoke-DfnsKeyRotation -Connection $dfns -Algorithm EdDSA -Vault 'Ops' -SecretName $name -Deploy { param($key) throw 'service did not restart' } -Confirm:$false }

        $global:SecretManagementStandInHook = $null
        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsRotationDeployFailed,*'
        $script:countAtStore | Should -Be $before
        $info = Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault 'Ops' -Name $name
        $info.Metadata['Algorithm'] | Should -BeExactly 'EdDSA'
        $info.Metadata['Provider'] | Should -BeExactly 'Dfns'
        $info.Metadata['ClientId'] | Should -BeExactly $account.credId

        $result = Invoke-DfnsKeyRotation -Connection $dfns -Algorithm EdDSA -Vault 'Ops' -SecretName $name -Confirm:$false

        $result.Status.ToString() | Should -BeExactly 'Completed'
        $result.NewCredId | Should -BeExactly $info.Metadata['Kid']
        $result.SecretName | Should -BeExactly $name
        Get-DfnsCredentialCount | Should -Be ($before + 1)
        $dfns.CredentialId | Should -BeExactly $info.Metadata['Kid']
        (Import-RotationKey -Vault 'Ops' -SecretName $name | Test-DfnsCredential -Connection $dfns).Success | Should -BeTrue
    }
}

Describe 'Without SecretManagement installed' {
    BeforeAll {
        $withStandIn = $env:PSModulePath
        $env:PSModulePath = (@($env:PSModulePath -split [System.IO.Path]::PathSeparator) |
            Where-Object { $_ -ne $standInRoot -and -not (Test-Path -LiteralPath (Join-Path $_ 'Microsoft.PowerShell.SecretManagement')) }) -join [System.IO.Path]::PathSeparator
        Remove-Module -Name Microsoft.PowerShell.SecretManagement -Force -ErrorAction SilentlyContinue
    }

    AfterAll {
        $env:PSModulePath = $withStandIn
    }

    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'Export-RotationKey -Vault says to install it' {
        $err = Get-FirstError { New-RotationKey | Export-RotationKey -Vault 'Ops' -SecretName 'x' }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretManagementNotInstalled,*'
        $err.ToString() | Should -Match 'Install-PSResource Microsoft\.PowerShell\.SecretManagement'
    }

    It 'Import-RotationKey -Vault says to install it' {
        (Get-FirstError { Import-RotationKey -Vault 'Ops' -SecretName 'x' }).FullyQualifiedErrorId | Should -BeLike 'SecretManagementNotInstalled,*'
    }

    It 'a rotation with -Vault changes nothing on the server' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'cust-one' -Audience $TestApi -Vault 'Ops' -SecretName 'x' -Deploy { } -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretManagementNotInstalled,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }
}
