#Requires -Version 5.1
# Pester 5 tests for Connect-DfnsOrganization, Get/Add/Test/Disable/Enable-DfnsCredential and
# Invoke-DfnsKeyRotation, run against the built module and the emulator with its Dfns surface
# (--dfns, a child process, see TestHelpers.ps1). Every test starts from the started state and
# seeds its own service account; what the server holds is read from the emulator's own state
# (GET /_emulator/dfns/state), not through the module.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $emulator = Start-TestEmulator -Dfns

    # A service account with one active Key credential for $Key; returns userId, token, credentialUuid, credId.
    function New-TestServiceAccount {
        param([Parameter(Mandatory = $true)] $Key, [string] $CredId)

        $body = @{ name = 'pester-sa'; publicKey = $Key.PublicKeyPem }
        if ($CredId) { $body.credId = $CredId }
        return (Invoke-EmulatorAdmin -Emulator $emulator -Method Post -Path 'dfns/service-accounts' -Body $body).Content | ConvertFrom-Json
    }

    function Get-DfnsState {
        return [string](Invoke-EmulatorAdmin -Emulator $emulator -Method Get -Path 'dfns/state').Content
    }

    function Get-StateCredential {
        param([string] $Uuid)
        return @(($(Get-DfnsState) | ConvertFrom-Json).credentials | Where-Object { $_.credentialUuid -eq $Uuid })[0]
    }

    function Connect-TestDfns {
        [CmdletBinding()]
        param($Account, $Key, [switch] $AsDefault)
        $token = ConvertTo-SecureString -String $Account.token -AsPlainText -Force
        return Connect-DfnsOrganization -Token $token -CredentialId $Account.credId -Key $Key -BaseUri $emulator.BaseUrl -NoDefault:(-not $AsDefault)
    }
}

AfterAll {
    # Leave no default Dfns connection behind for the test files that run after this one.
    try { Disconnect-DfnsOrganization } catch { }
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Connect-DfnsOrganization' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $key = New-RotationKey -Algorithm ES256
        $account = New-TestServiceAccount -Key $key -CredId 'pester-first'
    }

    It 'returns a connection that names the credential and never shows the token' {
        $all = @(Connect-TestDfns -Account $account -Key $key -Verbose 4>&1)
        $connection = $all | Where-Object { $_ -is [PsCredRotate.Core.Dfns.DfnsConnection] }
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -BeGreaterThan 0

        $connection.GetType().Name | Should -BeExactly 'DfnsConnection'
        $connection.CredentialId | Should -BeExactly 'pester-first'
        $connection.CredentialUuid | Should -BeExactly $account.credentialUuid
        $connection.KeyId | Should -BeExactly $key.Kid
        $shown = ($connection | Format-List * | Out-String) + ($connection | Out-String) + ($verbose | Out-String) + $connection.ToString()
        $shown | Should -Not -BeLike ('*' + $account.token + '*')
    }

    It 'refuses a credential id the account does not have with DfnsCredentialNotFound' {
        $token = ConvertTo-SecureString -String $account.token -AsPlainText -Force
        $err = Get-FirstError { Connect-DfnsOrganization -Token $token -CredentialId 'nope' -Key $key -BaseUri $emulator.BaseUrl -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialNotFound,*'
    }

    It 'refuses a key the credential does not hold with DfnsCredentialKeyMismatch' {
        $other = New-RotationKey -Algorithm ES256
        $err = Get-FirstError { Connect-TestDfns -Account $account -Key $other }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialKeyMismatch,*'
    }

    It 'refuses a bad token with DfnsTokenRejected and does not show it' {
        $bad = ConvertTo-SecureString -String 'pester-bad-token-123' -AsPlainText -Force
        $err = Get-FirstError { Connect-DfnsOrganization -Token $bad -CredentialId $account.credId -Key $key -BaseUri $emulator.BaseUrl -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsTokenRejected,*'
        ($err | Out-String) | Should -Not -BeLike '*pester-bad-token-123*'
    }

    It 'refuses plain http off loopback with InsecureTransport' {
        $token = ConvertTo-SecureString -String 't' -AsPlainText -Force
        $err = Get-FirstError { Connect-DfnsOrganization -Token $token -CredentialId 'c' -Key $key -BaseUri 'http://dfns.example.com' -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'InsecureTransport,*'
    }
}

Describe 'Disconnect-DfnsOrganization' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $key = New-RotationKey -Algorithm ES256
        $account = New-TestServiceAccount -Key $key -CredId 'pester-disconnect'
    }

    It 'forgets the session default, so the Dfns cmdlets fail with DfnsNotConnected' {
        $connection = Connect-TestDfns -Account $account -Key $key -AsDefault
        @(Get-DfnsCredential).Count | Should -BeGreaterThan 0

        Disconnect-DfnsOrganization -Verbose 4>&1 | Out-String | Should -BeLike '*pester-disconnect*'

        { Get-DfnsCredential -ErrorAction Stop } | Should -Throw -ErrorId 'DfnsNotConnected,*'
        { Disconnect-DfnsOrganization -ErrorAction Stop } | Should -Throw -ErrorId 'DfnsNotConnected,*'
    }

    It 'closes a -NoDefault connection and leaves the session default alone' {
        $default = Connect-TestDfns -Account $account -Key $key -AsDefault
        $other = Connect-TestDfns -Account $account -Key $key

        Disconnect-DfnsOrganization -Connection $other

        @(Get-DfnsCredential | Where-Object CredentialId -EQ 'pester-disconnect').Count | Should -Be 1
        Disconnect-DfnsOrganization
    }
}

Describe 'Get-DfnsCredential, Add-DfnsCredential, Test-DfnsCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $key = New-RotationKey -Algorithm EdDSA
        $account = New-TestServiceAccount -Key $key
        $connection = Connect-TestDfns -Account $account -Key $key
    }

    It 'fails with DfnsNotConnected without a connection' {
        # The session default lives per runspace: a new runspace has none.
        $manifest = Join-Path (Get-Module PsCredRotate).ModuleBase 'PsCredRotate.psd1'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'; try { Get-DfnsCredential -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }")
            $id = @($ps.Invoke())[0]
        }
        finally {
            $ps.Dispose()
        }

        $id | Should -BeLike 'DfnsNotConnected,*'
    }

    It 'lists the account credential as the current one' {
        $credentials = @(Get-DfnsCredential -Connection $connection)

        $credentials.Count | Should -Be 1
        $credentials[0].CredentialUuid | Should -BeExactly $account.credentialUuid
        $credentials[0].IsCurrent | Should -BeTrue
        $credentials[0].IsActive | Should -BeTrue
        $credentials[0].Kid | Should -BeExactly $key.Kid
    }

    It 'writes DfnsCredentialNotFound for an unknown uuid and goes on' {
        $found = @(Get-DfnsCredential -Connection $connection -CredentialUuid 'cr-none', $account.credentialUuid -ErrorVariable errs -ErrorAction SilentlyContinue)

        $found.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialNotFound,*'
    }

    It 'adds a key from the pipeline, and the new key passes Test-DfnsCredential' {
        $new = New-RotationKey -Algorithm RS256
        $added = $new | Add-DfnsCredential -Connection $connection -Name 'pester second'

        $added.CredentialId | Should -BeExactly $new.Kid
        (Get-StateCredential -Uuid $added.CredentialUuid).isActive | Should -BeTrue
        $before = Get-DfnsState
        $result = $new | Test-DfnsCredential -Connection $connection
        $result.Success | Should -BeTrue
        $result.CredentialUuid | Should -BeExactly $added.CredentialUuid
        Get-DfnsState | Should -BeExactly $before
    }

    It 'reports a key no credential holds as a failed test, not an error' {
        $result = New-RotationKey -Algorithm ES256 | Test-DfnsCredential -Connection $connection

        $result.Success | Should -BeFalse
        $result.ErrorId | Should -BeExactly 'DfnsCredentialNotFound'
    }

    It 'shows the add under -WhatIf and changes nothing' {
        $before = Get-DfnsState
        New-RotationKey -Algorithm ES256 | Add-DfnsCredential -Connection $connection -WhatIf

        Get-DfnsState | Should -BeExactly $before
    }

    It 'explains DfnsCredentialCreationForbidden when service accounts may not create credentials' {
        Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'dfns/settings' -Body @{ serviceAccountsMayCreateCredentials = $false } | Out-Null
        try {
            $before = Get-DfnsState
            $err = Get-FirstError { New-RotationKey -Algorithm ES256 | Add-DfnsCredential -Connection $connection }

            $err.FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialCreationForbidden,*'
            $err.Exception.Message | Should -BeLike '*Nothing was changed*'
            Get-DfnsState | Should -BeExactly $before
        }
        finally {
            Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'dfns/settings' -Body @{ serviceAccountsMayCreateCredentials = $true } | Out-Null
        }
    }
}

Describe 'Disable-DfnsCredential and Enable-DfnsCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $key = New-RotationKey -Algorithm ES256
        $account = New-TestServiceAccount -Key $key
        $connection = Connect-TestDfns -Account $account -Key $key
        $second = New-RotationKey -Algorithm ES256 | Add-DfnsCredential -Connection $connection -Name 'pester second'
    }

    It 'deactivates and activates a credential piped from Get-DfnsCredential' {
        $disabled = Get-DfnsCredential -Connection $connection -CredentialUuid $second.CredentialUuid | Disable-DfnsCredential -Connection $connection -PassThru
        $disabled.IsActive | Should -BeFalse
        (Get-StateCredential -Uuid $second.CredentialUuid).isActive | Should -BeFalse

        $enabled = $disabled | Enable-DfnsCredential -Connection $connection -PassThru
        $enabled.IsActive | Should -BeTrue
        (Get-StateCredential -Uuid $second.CredentialUuid).isActive | Should -BeTrue
    }

    It 'refuses the connection''s own credential with DfnsCredentialIsCurrent and changes nothing' {
        $before = Get-DfnsState
        $err = Get-FirstError { Disable-DfnsCredential -Connection $connection -CredentialUuid $account.credentialUuid }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialIsCurrent,*'
        Get-DfnsState | Should -BeExactly $before
    }

    It 'does nothing under -WhatIf, even with -Force' {
        $before = Get-DfnsState
        Disable-DfnsCredential -Connection $connection -CredentialUuid $account.credentialUuid -Force -WhatIf
        Disable-DfnsCredential -Connection $connection -CredentialUuid $second.CredentialUuid -WhatIf

        Get-DfnsState | Should -BeExactly $before
    }

    It 'fails with DfnsCredentialNotFound for an unknown uuid' {
        $err = Get-FirstError { Enable-DfnsCredential -Connection $connection -CredentialUuid 'cr-none' }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsCredentialNotFound,*'
    }
}

Describe 'Invoke-DfnsKeyRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $key = New-RotationKey -Algorithm ES256
        $account = New-TestServiceAccount -Key $key
        $connection = Connect-TestDfns -Account $account -Key $key -AsDefault
    }

    It 'rotates to a new <Algorithm> key written to -KeyPath and the connection signs with it' -TestCases @(
        @{ Algorithm = 'ES256' }, @{ Algorithm = 'EdDSA' }, @{ Algorithm = 'RS256' }
    ) {
        $path = Join-Path $TestDrive ('next-' + $Algorithm + '.pem')
        $result = Invoke-DfnsKeyRotation -Algorithm $Algorithm -KeyPath $path -Name 'pester next' -Deploy { param($k) $script:deployedKid = $k.Kid } -Confirm:$false

        $result.Status | Should -BeExactly 'Completed'
        $result.Algorithm | Should -BeExactly $Algorithm
        $result.OldCredentialUuid | Should -BeExactly $account.credentialUuid
        $script:deployedKid | Should -BeExactly $result.NewCredId
        (Get-StateCredential -Uuid $account.credentialUuid).isActive | Should -BeFalse
        (Get-StateCredential -Uuid $result.NewCredentialUuid).isActive | Should -BeTrue
        Test-Path -LiteralPath $path | Should -BeTrue
        $connection.CredentialId | Should -BeExactly $result.NewCredId
        (Import-RotationKey -Path $path | Test-DfnsCredential).Success | Should -BeTrue
    }

    It 'shows every step under -WhatIf and changes nothing' {
        $before = Get-DfnsState
        $path = Join-Path $TestDrive 'whatif.pem'
        $result = Invoke-DfnsKeyRotation -KeyPath $path -WhatIf

        $result.Status | Should -BeExactly 'Planned'
        @($result.Steps).Count | Should -Be 3
        Test-Path -LiteralPath $path | Should -BeFalse
        Get-DfnsState | Should -BeExactly $before
    }

    It 'rolls back when Dfns refuses the new key: DfnsRotationVerificationFailed, the old credential stays active' {
        $new = New-RotationKey -Algorithm EdDSA
        Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'dfns/refusals' -Body @{ credIds = @($new.Kid) } | Out-Null
        try {
            $err = Get-FirstError { Invoke-DfnsKeyRotation -NewKey $new -Confirm:$false }
        }
        finally {
            Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'dfns/refusals' -Body @{ credIds = @() } | Out-Null
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsRotationVerificationFailed,*'
        (Get-StateCredential -Uuid $account.credentialUuid).isActive | Should -BeTrue
        $created = @((Get-DfnsState | ConvertFrom-Json).credentials | Where-Object { $_.credId -eq $new.Kid })[0]
        $created.isActive | Should -BeFalse
        $connection.CredentialId | Should -BeExactly $account.credId
        (Test-DfnsCredential -Key $key).Success | Should -BeTrue
    }

    It 'rolls back when the -Deploy script fails: DfnsRotationDeployFailed' {
        $err = Get-FirstError { Invoke-DfnsKeyRotation -Deploy { throw 'vault unreachable' } -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'DfnsRotationDeployFailed,*'
        (Get-StateCredential -Uuid $account.credentialUuid).isActive | Should -BeTrue
        @((Get-DfnsState | ConvertFrom-Json).credentials | Where-Object { $_.isActive }).Count | Should -Be 1
    }
}

Describe 'docs/examples/Rotate-DfnsKey.ps1' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $example = Join-Path $PSScriptRoot '../../docs/examples/Rotate-DfnsKey.ps1'
        $key = New-RotationKey -Algorithm ES256
        $account = New-TestServiceAccount -Key $key
        $dir = Join-Path $TestDrive ('svc-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $keyFile = Join-Path $dir 'dfns.pem'
        Export-RotationKey -Key $key -Path $keyFile | Out-Null
        Set-Content -LiteralPath ($keyFile + '.credid') -Value $account.credId -NoNewline
        $token = ConvertTo-SecureString -String $account.token -AsPlainText -Force
        $global:LASTEXITCODE = 0
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-DfnsState

        & $example -KeyPath $keyFile -Token $token -BaseUri $emulator.BaseUrl -WhatIf | Out-Null

        Get-DfnsState | Should -BeExactly $before
        (Import-RotationKey -Path $keyFile).Kid | Should -BeExactly $key.Kid
        Test-Path -LiteralPath ($keyFile + '.next') | Should -BeFalse
    }

    It 'rotates, puts the new key and credId where the service reads them, and runs -Deploy before the proof' {
        $deployed = New-Object System.Collections.Generic.List[string]

        $result = @(& $example -KeyPath $keyFile -Token $token -BaseUri $emulator.BaseUrl -Algorithm EdDSA -Deploy { param($file, $credId) $deployed.Add($credId) })

        $global:LASTEXITCODE | Should -Be 0
        $result.Count | Should -Be 1
        $result[0].Status.ToString() | Should -BeExactly 'Completed'
        $newKey = Import-RotationKey -Path $keyFile
        $newKey.Kid | Should -BeExactly $result[0].NewCredId
        (Get-Content -LiteralPath ($keyFile + '.credid') -Raw).Trim() | Should -BeExactly $result[0].NewCredId
        ($deployed -join ',') | Should -BeExactly $result[0].NewCredId
        (Get-StateCredential -Uuid $account.credentialUuid).isActive | Should -BeFalse
        (Get-StateCredential -Uuid $result[0].NewCredentialUuid).isActive | Should -BeTrue
        Test-Path -LiteralPath ($keyFile + '.next') | Should -BeFalse
    }

    It 'puts the old key back when the deploy fails, and the old credential still works' {
        & $example -KeyPath $keyFile -Token $token -BaseUri $emulator.BaseUrl -Deploy { param($file, $credId) if ($credId -ne $account.credId) { throw 'service did not start' } } -WarningAction SilentlyContinue | Out-Null

        $global:LASTEXITCODE | Should -Be 1
        (Import-RotationKey -Path $keyFile).Kid | Should -BeExactly $key.Kid
        (Get-Content -LiteralPath ($keyFile + '.credid') -Raw).Trim() | Should -BeExactly $account.credId
        (Get-StateCredential -Uuid $account.credentialUuid).isActive | Should -BeTrue
    }
}
