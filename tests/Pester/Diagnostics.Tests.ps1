#Requires -Version 5.1
# Pester 5 tests of what the cmdlets tell while they work: -Verbose names each API call (method,
# path, status, duration, rate limit left), -Debug adds the bodies with secrets and tokens
# redacted (canaries planted and checked), and multi-item commands write progress. Run against the
# built module and the emulator (a child process, see TestHelpers.ps1).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $oldKey = New-RotationKey -Name 'pester-diag-old'
    $canarySecret = 'CANARY-client-secret-' + [guid]::NewGuid().ToString('N')
    $clients = @(
        (New-TestClientSeed -ClientId 'pester-diag-pkj' -Name 'Pester diag pkj' -Attached @($oldKey)),
        (New-TestClientSeed -ClientId 'pester-diag-secret' -Name 'Pester diag secret' -Secret $canarySecret)
    )
    foreach ($n in 1..3) {
        $clients += New-TestClientSeed -ClientId "pester-diag-bulk-$n" -Name "Pester diag bulk $n" -Attached @(New-RotationKey)
    }
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    # Every Verbose and Debug message of a command (4>&1 and 5>&1), and its output, as one text.
    function Get-StreamText {
        param([scriptblock] $Command)

        # Compiled cmdlets take the preference from the caller's scope: -Debug itself would ask
        # before each message (Inquire) on Windows PowerShell 5.1 and in some hosts.
        $DebugPreference = 'Continue'
        $records = & $Command 4>&1 5>&1
        $lines = foreach ($record in $records) {
            if ($record -is [System.Management.Automation.VerboseRecord]) { 'VERBOSE: ' + $record.Message }
            elseif ($record -is [System.Management.Automation.DebugRecord]) { 'DEBUG: ' + $record.Message }
            else { ($record | Format-List -Property * | Out-String -Width 500) }
        }
        return ($lines -join "`n")
    }

    # The progress records a command writes, from a separate PowerShell with the module and connection of this one.
    function Get-ProgressRecords {
        param([string] $Script)

        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PSCREDROTATE_MODULE'; `$c = Connect-Auth0Tenant -Domain '$($emulator.BaseUrl)' -ClientId '$TestManagementClientId' -ClientSecret (ConvertTo-SecureString '$TestManagementSecret' -AsPlainText -Force); $Script")
            $null = $ps.Invoke()
            $ps.Streams.Error | ForEach-Object { throw $_ }
            return @($ps.Streams.Progress)
        }
        finally {
            $ps.Dispose()
        }
    }

    $jwt = 'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}'
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe '-Verbose and -Debug' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'tell each call of Invoke-ClientCredentialRotation and never a key, secret or token' {
        $keyPath = Join-Path $TestDrive ('new-' + [guid]::NewGuid().ToString('N') + '.pem')

        $text = Get-StreamText {
            Invoke-ClientCredentialRotation -ClientId 'pester-diag-pkj' -KeyPath $keyPath -Audience $TestApi -Deploy { } -Confirm:$false -Verbose
        }

        $newKey = Import-RotationKey -Path $keyPath
        $canaries = @($TestManagementSecret) + (Get-PrivateKeyLines -Key $oldKey) + (Get-PrivateKeyLines -Key $newKey)
        foreach ($canary in $canaries) {
            $text.Contains($canary) | Should -BeFalse -Because 'no secret or private key may be logged'
        }
        $text | Should -Not -Match $jwt -Because 'no access token or client assertion may be logged'
        $text | Should -Match '(?m)^VERBOSE: GET /api/v2/clients/pester-diag-pkj → 200 in \d+ ms \(rate limit: \d+ of \d+ left\)\.$'
        $text | Should -Match '(?m)^VERBOSE: POST /api/v2/clients/pester-diag-pkj/credentials → 201 in \d+ ms'
        $text | Should -Match '(?m)^VERBOSE: PATCH /api/v2/clients/pester-diag-pkj → 200 in \d+ ms'
        $text | Should -Match '(?m)^VERBOSE: POST /oauth/token → 200 in \d+ ms'
        $text | Should -Match '(?m)^VERBOSE: DELETE /api/v2/clients/pester-diag-pkj/credentials/\S+ → 204 in \d+ ms'
        $text | Should -Match 'client_assertion=\[redacted\]'
        $text | Should -Match '"access_token":"\[redacted\]"'
        $text | Should -Match '(?m)^Authorization: \[redacted\]$'
    }

    It 'tell the call of Invoke-ClientSecretRotation and neither the old nor the new secret' {
        $text = Get-StreamText {
            Invoke-ClientSecretRotation -ClientId 'pester-diag-secret' -Confirm:$false -Verbose 3>$null
        }

        $state = Get-EmulatorSnapshot -Emulator $emulator | ConvertFrom-Json
        $newSecret = @($state.Clients | Where-Object { $_.ClientId -ceq 'pester-diag-secret' })[0].ClientSecret
        $newSecret | Should -Not -BeNullOrEmpty
        $newSecret | Should -Not -Be $canarySecret
        $text.Contains($canarySecret) | Should -BeFalse
        $text.Contains($newSecret) | Should -BeFalse
        $text.Contains($TestManagementSecret) | Should -BeFalse
        $text | Should -Not -Match $jwt
        $text | Should -Match '(?m)^VERBOSE: POST /api/v2/clients/pester-diag-secret/rotate-secret → 200 in \d+ ms'
        $text | Should -Match '"client_secret":"\[redacted\]"'
    }

    It 'are quiet without the switches' {
        $records = Get-ClientCredential -ClientId 'pester-diag-pkj' 4>&1 5>&1

        @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -Be 0
    }
}

Describe 'Write-Progress' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'reports each client of a bulk rotation and completes' {
        $progress = Get-ProgressRecords "Start-ClientCredentialRotation -ClientId 'pester-diag-bulk-1', 'pester-diag-bulk-2', 'pester-diag-bulk-3' -Audience '$TestApi' -Connection `$c -Confirm:`$false | Out-Null"

        @($progress | Where-Object { $_.StatusDescription -match '^\d of 3 clients$' }).Count | Should -Be 4
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'reports each piped client of Get-ClientCredential from the second on and completes' {
        $progress = Get-ProgressRecords "'pester-diag-bulk-1', 'pester-diag-bulk-2', 'pester-diag-bulk-3' | ForEach-Object { [pscustomobject]@{ ClientId = `$_ } } | Get-ClientCredential -Connection `$c | Out-Null"

        @($progress | Where-Object { $_.RecordType -eq 'Processing' } | ForEach-Object CurrentOperation) | Should -Be @("client 'pester-diag-bulk-2'", "client 'pester-diag-bulk-3'")
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'writes none for a single item' {
        $progress = Get-ProgressRecords "Get-ClientCredential -ClientId 'pester-diag-bulk-1' -Connection `$c | Out-Null"

        $progress.Count | Should -Be 0
    }

    It 'reports each client of ConvertTo-TerraformClientCredential' {
        $progress = Get-ProgressRecords "ConvertTo-TerraformClientCredential -ClientId 'pester-diag-bulk-1', 'pester-diag-bulk-2' -Connection `$c | Out-Null"

        @($progress | Where-Object { $_.RecordType -eq 'Processing' }).Count | Should -Be 1
        $progress[-1].RecordType | Should -Be 'Completed'
    }
}
