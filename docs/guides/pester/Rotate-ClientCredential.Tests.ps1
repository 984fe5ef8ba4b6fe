#Requires -Version 5.1
# Pester 5 tests of the runbook docs/examples/Rotate-ClientCredential.ps1 against the local
# emulator: the example of docs/guides/pester-testing-runbooks.md. Run it with
#     $env:PSCREDROTATE_MODULE   = '<repo>/out/PsCredRotate/PsCredRotate.psd1'
#     $env:PSCREDROTATE_EMULATOR = '<repo>/src/PsCredRotate.Emulator/bin/Release/net8.0/PsCredRotate.Emulator.dll'
#     Invoke-Pester -Path docs/guides/pester/Rotate-ClientCredential.Tests.ps1 -Output Detailed

BeforeAll {
    Import-Module $env:PSCREDROTATE_MODULE -Force
    . "$PSScriptRoot/EmulatorHelpers.ps1"
    $runbook = Join-Path $PSScriptRoot '../../examples/Rotate-ClientCredential.ps1'

    # The application's key today: attached in the seed, saved where the application reads it.
    $appKey = New-RotationKey -Name 'billing-api'
    $emulator = Start-Emulator -SeedPath (New-Seed -ClientId 'billing-api' -Key $appKey -Path (Join-Path $TestDrive 'seed.json'))

    # The runbook connects from the environment, as in an automation account.
    $env:AUTH0_DOMAIN = $emulator.BaseUrl
    $env:AUTH0_CLIENT_ID = $EmulatorManagementClientId
    $env:AUTH0_CLIENT_SECRET = $EmulatorManagementSecret
    $connection = Connect-Auth0Tenant -NoDefault
}

AfterAll {
    Stop-Emulator $emulator
    Remove-Item Env:AUTH0_DOMAIN, Env:AUTH0_CLIENT_ID, Env:AUTH0_CLIENT_SECRET -ErrorAction SilentlyContinue
}

Describe 'Rotate-ClientCredential.ps1' {
    BeforeEach {
        Reset-Emulator $emulator
        $keyDir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $keyDir | Out-Null
        $keyFile = Join-Path $keyDir 'billing-api.pem'
        $appKey | Export-RotationKey -Path $keyFile | Out-Null
        $global:LASTEXITCODE = 0
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-EmulatorSnapshot $emulator

        & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi -WhatIf | Out-Null

        Get-EmulatorSnapshot $emulator | Should -BeExactly $before
        (Import-RotationKey -Path $keyFile).Kid | Should -BeExactly $appKey.Kid
    }

    It 'rotates: the key file holds a new key that gets a token, the old key is gone' {
        $result = & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi

        $newKey = Import-RotationKey -Path $keyFile
        $LASTEXITCODE | Should -Be 0
        [string]$result.Phase | Should -BeExactly 'Completed'
        $credentials = @(Get-ClientCredential -ClientId 'billing-api' -Connection $connection)
        $credentials.Count | Should -Be 1
        $credentials[0].Kid | Should -BeExactly $newKey.Kid
        $credentials[0].Attached | Should -BeTrue
        (Test-ClientCredential -ClientId 'billing-api' -Key $newKey -Audience $EmulatorApi -Connection $connection).Success | Should -BeTrue
        (Test-ClientCredential -ClientId 'billing-api' -Key $appKey -Audience $EmulatorApi -Connection $connection).Success | Should -BeFalse
    }

    It 'undoes the rotation when the deploy fails, and the old key keeps working' {
        $result = & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi `
            -Deploy { throw 'the application did not reload' } -WarningVariable warnings -WarningAction SilentlyContinue

        $LASTEXITCODE | Should -Be 1
        $result | Should -BeNullOrEmpty
        ($warnings -join "`n") | Should -Match 'RotationDeployFailed'
        @(Get-ClientCredential -ClientId 'billing-api' -Connection $connection).Kid | Should -BeExactly $appKey.Kid
        (Test-ClientCredential -ClientId 'billing-api' -Key $appKey -Audience $EmulatorApi -Connection $connection).Success | Should -BeTrue
    }

    It 'rides out transient 503s from the Management API' {
        Add-EmulatorFault $emulator -Match 'POST /api/v2/clients/*/credentials' -Kind status503 -Count 2

        $result = & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi

        $LASTEXITCODE | Should -Be 0
        [string]$result.Phase | Should -BeExactly 'Completed'
        @(Get-ClientCredential -ClientId 'billing-api' -Connection $connection).Count | Should -Be 1
    }

    It 'names SlotFull and changes nothing when both slots hold working keys' {
        $second = New-RotationKey -Name 'billing-api-2'
        $second | Add-ClientCredential -ClientId 'billing-api' -Attach -Connection $connection | Out-Null
        $before = Get-EmulatorSnapshot $emulator

        & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null

        $LASTEXITCODE | Should -Be 1
        ($warnings -join "`n") | Should -Match 'SlotFull'
        Get-EmulatorSnapshot $emulator | Should -BeExactly $before
    }

    It 'rescues a client whose key has expired on the server (the emulator clock moved on)' {
        Set-ClientCredential -ClientId 'billing-api' -CredentialId $appKey.Kid -ExpiresAt ([DateTimeOffset]::UtcNow.AddSeconds(20)) -Connection $connection
        Move-EmulatorClock $emulator -Seconds 30
        (Test-ClientCredential -ClientId 'billing-api' -Key $appKey -Audience $EmulatorApi -Connection $connection).Success | Should -BeFalse

        $result = & $runbook -ClientId 'billing-api' -KeyPath $keyDir -Audience $EmulatorApi

        $LASTEXITCODE | Should -Be 0
        (Get-ClientCredential -ClientId 'billing-api' -Connection $connection).Kid | Should -BeExactly $result.NewKid
    }

    It 'reports RotationVerificationFailed and rolls back when the tenant refuses the new key' {
        $next = New-RotationKey
        Add-EmulatorTokenRefusal $emulator -Kid $next.Kid
        $failure = $null
        try { Start-ClientCredentialRotation -ClientId 'billing-api' -Key $next -Audience $EmulatorApi -Connection $connection -ErrorAction Stop }
        catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        @(Get-ClientCredential -ClientId 'billing-api' -Connection $connection).Kid | Should -BeExactly $appKey.Kid
    }
}
