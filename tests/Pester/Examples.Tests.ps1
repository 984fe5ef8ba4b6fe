#Requires -Version 5.1
# Pester 5 tests for the runnable examples in docs/examples/, run against the built module and the
# emulator (a child process, see TestHelpers.ps1), so the documented runbook cannot silently rot.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $example = Join-Path $PSScriptRoot '../../docs/examples/Rotate-ClientCredential.ps1'
    $appKey = New-RotationKey -Name 'example-app'
    $fullA = New-RotationKey -Name 'example-full-a'
    $fullB = New-RotationKey -Name 'example-full-b'
    $clients = @(
        (New-TestClientSeed -ClientId 'example-app' -Name 'Example app' -Attached @($appKey)),
        (New-TestClientSeed -ClientId 'example-full' -Name 'Example full' -Attached @($fullA, $fullB))
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    $management = New-Object System.Management.Automation.PSCredential ($TestManagementClientId, (ConvertTo-SecureString -String $TestManagementSecret -AsPlainText -Force))
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'docs/examples/Rotate-ClientCredential.ps1' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $keyDir = Join-Path $TestDrive ('keys-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $keyDir | Out-Null
        Export-RotationKey -Key $appKey -Path (Join-Path $keyDir 'example-app.pem') | Out-Null
        $global:LASTEXITCODE = 0
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        & $example -ClientId 'example-app' -Domain $emulator.BaseUrl -ManagementCredential $management -KeyPath $keyDir -Audience $TestApi -WhatIf | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        (Import-RotationKey -Path (Join-Path $keyDir 'example-app.pem')).Kid | Should -BeExactly $appKey.Kid
    }

    It 'rotates the client, writes the new key where the application reads it, and runs -Deploy' {
        $deployed = New-Object System.Collections.Generic.List[string]

        $result = @(& $example -ClientId 'example-app' -Domain $emulator.BaseUrl -ManagementCredential $management -KeyPath $keyDir -Audience $TestApi -Deploy { param($id, $file) $deployed.Add($id) })
        $newKey = Import-RotationKey -Path (Join-Path $keyDir 'example-app.pem')

        $global:LASTEXITCODE | Should -Be 0
        $result.Count | Should -Be 1
        $result[0].Phase.ToString() | Should -BeExactly 'Completed'
        $result[0].NewKid | Should -BeExactly $newKey.Kid
        ($deployed -join ',') | Should -BeExactly 'example-app'
        (Get-StoredKid -Emulator $emulator -ClientId 'example-app') -join ',' | Should -BeExactly $newKey.Kid
    }

    It 'takes Get-Auth0Client output from the pipeline and connects from the AUTH0_* variables' {
        $saved = @{}
        foreach ($name in @('AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_PRIVATE_KEY_PATH')) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        try {
            $env:AUTH0_DOMAIN = $emulator.BaseUrl
            $env:AUTH0_CLIENT_ID = $TestManagementClientId
            $env:AUTH0_CLIENT_SECRET = $TestManagementSecret
            [Environment]::SetEnvironmentVariable('AUTH0_PRIVATE_KEY_PATH', $null)
            $connection = Connect-Auth0Tenant -NoDefault

            $result = @(Get-Auth0Client -ClientId 'example-app' -Connection $connection | & $example -KeyPath $keyDir -Audience $TestApi)
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }

        $result.Count | Should -Be 1
        $result[0].ClientId | Should -BeExactly 'example-app'
        $result[0].Phase.ToString() | Should -BeExactly 'Completed'
    }

    It 'exits with 1 and names the ErrorId when a client cannot be rotated, and still rotates the others' {
        $warnings = $null

        $result = @(& $example -ClientId 'example-app', 'example-full' -Domain $emulator.BaseUrl -ManagementCredential $management -KeyPath $keyDir -Audience $TestApi -WarningVariable warnings -WarningAction SilentlyContinue)

        $global:LASTEXITCODE | Should -Be 1
        ($result | ForEach-Object { $_.ClientId }) -join ',' | Should -BeExactly 'example-app'
        ($warnings | Out-String) | Should -Match 'SlotFull'
        ($warnings | Out-String) | Should -Match 'example-full'
        (Get-AttachedKid -Emulator $emulator -ClientId 'example-full') -join ',' | Should -BeExactly ((@($fullA.Kid, $fullB.Kid) | Sort-Object) -join ',')
    }
}
