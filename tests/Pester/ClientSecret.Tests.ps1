#Requires -Version 5.1
# Pester 5 tests for Invoke-ClientSecretRotation, run against the built module and the emulator (a
# child process, see TestHelpers.ps1). Every test starts from the seeded state; the secret the
# server holds is read from the emulator's own state, not through the module.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $oldSecret = 'pester-rotate-secret-old-value-0123456789'
    $pkjKey = New-RotationKey -Name 'pester-secret-pkj'
    $clients = @(
        (New-TestClientSeed -ClientId 'pester-rotate-secret' -Name 'Pester rotate secret' -Secret $oldSecret),
        (New-TestClientSeed -ClientId 'pester-rotate-pkj' -Name 'Pester rotate pkj' -Attached @($pkjKey))
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    function Get-ServerSecret {
        param([string] $ClientId)

        $state = Get-EmulatorSnapshot -Emulator $emulator | ConvertFrom-Json
        return @($state.Clients | Where-Object { $_.ClientId -ceq $ClientId })[0].ClientSecret
    }

    function ConvertTo-Plain {
        param([securestring] $Secure)

        return [System.Net.NetworkCredential]::new('', $Secure).Password
    }

    function Get-TokenStatus {
        param([string] $ClientId, [string] $Secret)

        $request = @{
            Uri             = $emulator.BaseUrl + '/oauth/token'
            Method          = 'Post'
            Body            = @{ grant_type = 'client_credentials'; client_id = $ClientId; client_secret = $Secret; audience = $TestApi }
            UseBasicParsing = $true
        }
        try {
            return [int](Invoke-WebRequest @request).StatusCode
        }
        catch {
            return [int]$_.Exception.Response.StatusCode
        }
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Invoke-ClientSecretRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'is a High-impact state change' {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Invoke-ClientSecretRotation))

        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'High'
    }

    It 'replaces the secret at once and returns the new one only as a SecureString' {
        $rotation = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -Confirm:$false -WarningAction SilentlyContinue

        $rotation.GetType().Name | Should -BeExactly 'ClientSecretRotation'
        $rotation.ClientId | Should -BeExactly 'pester-rotate-secret'
        $rotation.Name | Should -BeExactly 'Pester rotate secret'
        $rotation.OutFile | Should -BeNullOrEmpty
        $rotation.ClientSecret | Should -BeOfType ([securestring])
        $new = ConvertTo-Plain $rotation.ClientSecret
        $new | Should -Not -BeExactly $oldSecret
        Get-ServerSecret 'pester-rotate-secret' | Should -BeExactly $new
        Get-TokenStatus -ClientId 'pester-rotate-secret' -Secret $oldSecret | Should -Be 401
        Get-TokenStatus -ClientId 'pester-rotate-secret' -Secret $new | Should -Be 200
    }

    It 'warns that there is no overlap and names the private_key_jwt path' {
        $null = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

        @($warnings).Count | Should -Be 1
        [string]$warnings[0] | Should -Match 'no overlap'
        [string]$warnings[0] | Should -Match 'at once'
        [string]$warnings[0] | Should -BeLike '*Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch*'
    }

    It 'says the same in the text of its confirmation (shown by -WhatIf)' {
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -WhatIf -WarningAction SilentlyContinue
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $text = (Get-Content -LiteralPath $transcript -Raw) -replace '\s+', ' '

        $text | Should -Match 'What if: Performing the operation "Rotate the client secret\. Auth0 replaces the client secret'
        $text | Should -Match 'no overlap'
        $text | Should -BeLike '*Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch*'
    }

    It 'changes nothing and returns nothing under -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $result = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -WhatIf -WarningAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a private_key_jwt client with ClientUsesPrivateKeyJwt and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientSecretRotation -ClientId 'pester-rotate-pkj' -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientUsesPrivateKeyJwt,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'writes the secret to a new owner-only -OutFile and not to the result' {
        $path = Join-Path $TestDrive 'new.secret'

        $rotation = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -OutFile $path -Confirm:$false -WarningAction SilentlyContinue

        $rotation.ClientSecret | Should -BeNullOrEmpty
        $rotation.OutFile | Should -BeExactly ((Resolve-Path -LiteralPath $path).ProviderPath)
        Get-Content -LiteralPath $path -Raw | Should -BeExactly (Get-ServerSecret 'pester-rotate-secret')
        if (-not $IsWindows) {
            [string](Get-Item -LiteralPath $path).UnixMode | Should -BeExactly '-rw-------'
        }
    }

    It 'refuses an existing -OutFile with SecretFileExists before any change, and replaces it with -Force' {
        $path = Join-Path $TestDrive 'existing.secret'
        Set-Content -LiteralPath $path -Value 'keep' -NoNewline
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -OutFile $path -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretFileExists,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        Get-Content -LiteralPath $path -Raw | Should -BeExactly 'keep'

        $null = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -OutFile $path -Force -Confirm:$false -WarningAction SilentlyContinue

        Get-Content -LiteralPath $path -Raw | Should -BeExactly (Get-ServerSecret 'pester-rotate-secret')
    }

    It 'refuses an -OutFile in a missing directory with SecretFilePathInvalid and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -OutFile (Join-Path $TestDrive 'no-dir/x.secret') -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretFilePathInvalid,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'takes the client id from Get-Auth0Client on the pipeline' {
        $rotation = Get-Auth0Client -ClientId 'pester-rotate-secret' | Invoke-ClientSecretRotation -Confirm:$false -WarningAction SilentlyContinue

        $rotation.ClientId | Should -BeExactly 'pester-rotate-secret'
        ConvertTo-Plain $rotation.ClientSecret | Should -BeExactly (Get-ServerSecret 'pester-rotate-secret')
    }

    It 'puts neither the new nor the old secret in any stream, view or string' {
        $text = Get-AllOutputText { Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -Confirm:$false }
        $new = Get-ServerSecret 'pester-rotate-secret'

        $new | Should -Not -BeExactly $oldSecret
        $text | Should -Match 'no overlap'
        # The debug stream was captured, with the answer that carried the secret (redacted).
        $text | Should -Match 'rotate-secret'
        $text | Should -Match '"client_secret":\s*"\[redacted\]"'
        $text.Contains($new) | Should -BeFalse
        $text.Contains($oldSecret) | Should -BeFalse
    }

    It 'shows a table without the secret' {
        $rotation = Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -Confirm:$false -WarningAction SilentlyContinue
        $table = $rotation | Format-Table | Out-String -Width 300

        $table | Should -Match 'pester-rotate-secret'
        $table.Contains((ConvertTo-Plain $rotation.ClientSecret)) | Should -BeFalse
        $rotation.ToString().Contains((ConvertTo-Plain $rotation.ClientSecret)) | Should -BeFalse
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Invoke-ClientSecretRotation -ClientId 'no-such-client' -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Invoke-ClientSecretRotation -ClientId 'pester-rotate-secret' -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}
