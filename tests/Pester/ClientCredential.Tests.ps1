#Requires -Version 5.1
# Pester 5 tests for Get/Add/Enable/Disable/Set/Remove/Test-ClientCredential, run against the built
# module and the emulator (a child process, see TestHelpers.ps1). Every test starts from the seeded
# state; what the server holds is read from the emulator's own state, not through the module.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $k = @{}
    foreach ($name in @('One', 'TwoA', 'TwoB', 'PoolA', 'PoolB', 'PoolC', 'PoolD', 'SpareA', 'SpareB')) {
        $k[$name] = New-RotationKey -Name ('pester-' + $name)
    }
    $clients = @(
        (New-TestClientSeed -ClientId 'pester-one' -Name 'Pester one attached' -Attached @($k.One)),
        (New-TestClientSeed -ClientId 'pester-two' -Name 'Pester two attached' -Attached @($k.TwoA, $k.TwoB)),
        (New-TestClientSeed -ClientId 'pester-pool' -Name 'Pester pool full' -Attached @($k.PoolA) -Stored @($k.PoolB, $k.PoolC, $k.PoolD)),
        (New-TestClientSeed -ClientId 'pester-spare' -Name 'Pester spare stored' -Attached @($k.SpareA) -Stored @($k.SpareB)),
        (New-TestClientSeed -ClientId 'pester-secret' -Name 'Pester secret' -Secret 'pester-secret-value-change-me')
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Get-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'lists every credential of a client, attached or not' {
        $credentials = @(Get-ClientCredential -ClientId 'pester-pool')

        $credentials.Count | Should -Be 4
        ($credentials | ForEach-Object { $_.Kid } | Sort-Object) -join ',' | Should -BeExactly ((Get-StoredKid -Emulator $emulator -ClientId 'pester-pool') -join ',')
        @($credentials | Where-Object { $_.Attached }).Count | Should -Be 1
        ($credentials | Where-Object { $_.Attached }).Kid | Should -BeExactly $k.PoolA.Kid
        foreach ($credential in $credentials) {
            $credential.GetType().Name | Should -BeExactly 'ClientCredential'
            $credential.ClientId | Should -BeExactly 'pester-pool'
            $credential.Id | Should -BeLike 'cred_*'
            $credential.Algorithm | Should -BeExactly 'RS256'
            $credential.Type | Should -BeExactly 'public_key'
        }
    }

    It 'finds one credential by kid and by id' {
        $byKid = @(Get-ClientCredential -ClientId 'pester-two' -Kid $k.TwoB.Kid)
        $byId = @(Get-ClientCredential -ClientId 'pester-two' -CredentialId $byKid[0].Id)

        $byKid.Count | Should -Be 1
        $byKid[0].Kid | Should -BeExactly $k.TwoB.Kid
        $byId.Count | Should -Be 1
        $byId[0].Kid | Should -BeExactly $k.TwoB.Kid
    }

    It 'reports an unknown credential with CredentialNotFound' {
        $err = Get-FirstError { Get-ClientCredential -ClientId 'pester-two' -Kid $k.One.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Get-ClientCredential -ClientId 'no-such-client' }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-ClientCredential -ClientId 'pester-one' }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'takes client ids from Get-Auth0Client on the pipeline' {
        $credentials = @(Get-Auth0Client -ClientId 'pester-two' | Get-ClientCredential)

        $credentials.Count | Should -Be 2
    }
}

Describe 'Add-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $newKey = New-RotationKey -Name 'pester-added'
    }

    It 'stores a new credential, detached, named by the key''s kid' {
        $added = Add-ClientCredential -ClientId 'pester-one' -Key $newKey

        $added.Kid | Should -BeExactly $newKey.Kid
        $added.Attached | Should -BeFalse
        Get-StoredKid -Emulator $emulator -ClientId 'pester-one' | Should -Contain $newKey.Kid
        Get-AttachedKid -Emulator $emulator -ClientId 'pester-one' | Should -Not -Contain $newKey.Kid
    }

    It 'attaches it beside the attached one with -Attach' {
        $added = Add-ClientCredential -ClientId 'pester-one' -Key $newKey -Attach

        $added.Attached | Should -BeTrue
        (Get-AttachedKid -Emulator $emulator -ClientId 'pester-one') -join ',' | Should -BeExactly ((@($k.One.Kid, $newKey.Kid) | Sort-Object) -join ',')
    }

    It 'takes the key from the pipeline and sets the expiry' {
        $expires = [DateTimeOffset]::UtcNow.AddDays(30)

        $added = $newKey | Add-ClientCredential -ClientId 'pester-one' -ExpiresAt $expires

        $added.Kid | Should -BeExactly $newKey.Kid
        [Math]::Abs(($added.ExpiresAt - $expires).TotalSeconds) | Should -BeLessThan 2
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $out = Add-ClientCredential -ClientId 'pester-one' -Key $newKey -Attach -WhatIf

        $out | Should -BeNullOrEmpty
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a <Algorithm> key with CredentialAlgorithmUnsupported and changes nothing' -ForEach @(
        @{ Algorithm = 'ES256' }
        @{ Algorithm = 'EdDSA' }
        @{ Algorithm = 'RS512' }
    ) {
        $before = Get-EmulatorSnapshot -Emulator $emulator
        $key = New-RotationKey -Algorithm $Algorithm

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-one' -Key $key }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialAlgorithmUnsupported,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses an expiry in the past with CredentialExpiryInPast' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-one' -Key $newKey -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(-1)) }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialExpiryInPast,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -ExpiresAt with -ParseExpiryFromCertificate with CredentialExpiryConflict' {
        $certKey = New-RotationKey -Certificate -ValidFor (New-TimeSpan -Days 30)

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-one' -Key $certKey -ParseExpiryFromCertificate -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(5)) }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialExpiryConflict,*'
    }

    It 'refuses -ParseExpiryFromCertificate for a key without certificate with CertificateRequired' {
        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-one' -Key $newKey -ParseExpiryFromCertificate }

        $err.FullyQualifiedErrorId | Should -BeLike 'CertificateRequired,*'
    }

    It 'refuses a key the client already holds with CredentialExists' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-one' -Key $k.One }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialExists,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a fifth credential with PoolFull' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-pool' -Key $newKey }

        $err.FullyQualifiedErrorId | Should -BeLike 'PoolFull,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -Attach when both slots are taken with SlotFull' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-two' -Key $newKey -Attach }

        $err.FullyQualifiedErrorId | Should -BeLike 'SlotFull,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -Attach on a client that uses a secret with ClientUsesClientSecret' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Add-ClientCredential -ClientId 'pester-secret' -Key $newKey -Attach }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientUsesClientSecret,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Add-ClientCredential -ClientId 'no-such-client' -Key $newKey }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Add-ClientCredential -ClientId 'pester-one' -Key $newKey }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'never shows the private key in any output stream' {
        $secretLines = Get-PrivateKeyLines -Key $newKey

        $text = Get-AllOutputText { Add-ClientCredential -ClientId 'pester-one' -Key $newKey -Attach -Verbose }

        $text | Should -Match ([regex]::Escape($newKey.Kid))
        $text | Should -Not -Match 'PRIVATE KEY'
        foreach ($line in $secretLines) {
            $text.Contains($line) | Should -BeFalse
        }
    }
}

Describe 'Enable-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'attaches a stored credential and keeps the attached one' {
        $out = Enable-ClientCredential -ClientId 'pester-spare' -Kid $k.SpareB.Kid

        $out | Should -BeNullOrEmpty
        (Get-AttachedKid -Emulator $emulator -ClientId 'pester-spare') -join ',' | Should -BeExactly ((@($k.SpareA.Kid, $k.SpareB.Kid) | Sort-Object) -join ',')
    }

    It 'writes the credential with -PassThru' {
        $out = Enable-ClientCredential -ClientId 'pester-spare' -Kid $k.SpareB.Kid -PassThru

        $out.Kid | Should -BeExactly $k.SpareB.Kid
        $out.Attached | Should -BeTrue
    }

    It 'takes Get-ClientCredential output from the pipeline' {
        Get-ClientCredential -ClientId 'pester-spare' | Where-Object { -not $_.Attached } | Enable-ClientCredential

        @(Get-AttachedKid -Emulator $emulator -ClientId 'pester-spare').Count | Should -Be 2
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Enable-ClientCredential -ClientId 'pester-spare' -Kid $k.SpareB.Kid -WhatIf

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a third attached credential with SlotFull and changes nothing' {
        Enable-ClientCredential -ClientId 'pester-pool' -Kid $k.PoolB.Kid
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Enable-ClientCredential -ClientId 'pester-pool' -Kid $k.PoolC.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'SlotFull,*'
        $err.Exception.Message | Should -Match ([regex]::Escape($k.PoolA.Kid))
        $err.Exception.Message | Should -Match ([regex]::Escape($k.PoolB.Kid))
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'reports an unknown credential with CredentialNotFound' {
        $err = Get-FirstError { Enable-ClientCredential -ClientId 'pester-spare' -Kid $k.One.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Enable-ClientCredential -ClientId 'no-such-client' -Kid $k.One.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Enable-ClientCredential -ClientId 'pester-spare' -Kid $k.SpareB.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Disable-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'detaches one of two attached credentials and keeps the other' {
        $out = Disable-ClientCredential -ClientId 'pester-two' -Kid $k.TwoA.Kid -PassThru

        $out.Attached | Should -BeFalse
        (Get-AttachedKid -Emulator $emulator -ClientId 'pester-two') -join ',' | Should -BeExactly $k.TwoB.Kid
        Get-StoredKid -Emulator $emulator -ClientId 'pester-two' | Should -Contain $k.TwoA.Kid
    }

    It 'takes Get-ClientCredential output from the pipeline' {
        Get-ClientCredential -ClientId 'pester-two' -Kid $k.TwoB.Kid | Disable-ClientCredential

        (Get-AttachedKid -Emulator $emulator -ClientId 'pester-two') -join ',' | Should -BeExactly $k.TwoA.Kid
    }

    It 'refuses the last attached credential with LastAttachedCredential and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Disable-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'LastAttachedCredential,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'detaches the last attached credential with -Force when a runbook waives the question with -Confirm:$false' {
        $out = Disable-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -Force -Confirm:$false -PassThru

        $out.Attached | Should -BeFalse
        @(Get-AttachedKid -Emulator $emulator -ClientId 'pester-one').Count | Should -Be 0
        Get-StoredKid -Emulator $emulator -ClientId 'pester-one' | Should -Contain $k.One.Kid
    }

    It 'changes nothing with -WhatIf, even with -Force on the last attached credential' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Disable-ClientCredential -ClientId 'pester-two' -Kid $k.TwoA.Kid -WhatIf
        Disable-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -Force -WhatIf

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'reports an unknown credential with CredentialNotFound' {
        $err = Get-FirstError { Disable-ClientCredential -ClientId 'pester-two' -Kid $k.One.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Disable-ClientCredential -ClientId 'pester-two' -Kid $k.TwoA.Kid }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Set-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'sets the expiry' {
        $expires = [DateTimeOffset]::UtcNow.AddDays(10)

        $out = Set-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -ExpiresAt $expires -PassThru

        [Math]::Abs(($out.ExpiresAt - $expires).TotalSeconds) | Should -BeLessThan 2
        (Get-ServerCredential -Emulator $emulator -ClientId 'pester-one').ExpiresAt | Should -Not -BeNullOrEmpty
    }

    It 'clears the expiry with -NeverExpires, from the pipeline' {
        Set-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(10))

        Get-ClientCredential -ClientId 'pester-one' | Set-ClientCredential -NeverExpires

        (Get-ServerCredential -Emulator $emulator -ClientId 'pester-one').ExpiresAt | Should -BeNullOrEmpty
    }

    It 'refuses an expiry in the past with CredentialExpiryInPast and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Set-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -ExpiresAt ([DateTimeOffset]::UtcNow.AddMinutes(-5)) }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialExpiryInPast,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Set-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(3)) -WhatIf

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'reports an unknown credential with CredentialNotFound' {
        $err = Get-FirstError { Set-ClientCredential -ClientId 'pester-one' -Kid $k.TwoA.Kid -NeverExpires }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Set-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -NeverExpires }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Remove-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'deletes a detached credential' {
        $out = Remove-ClientCredential -ClientId 'pester-pool' -Kid $k.PoolB.Kid -Confirm:$false

        $out | Should -BeNullOrEmpty
        Get-StoredKid -Emulator $emulator -ClientId 'pester-pool' | Should -Not -Contain $k.PoolB.Kid
        @(Get-StoredKid -Emulator $emulator -ClientId 'pester-pool').Count | Should -Be 3
    }

    It 'detaches, then deletes, an attached credential while another stays attached' {
        Remove-ClientCredential -ClientId 'pester-two' -Kid $k.TwoA.Kid -Confirm:$false

        (Get-StoredKid -Emulator $emulator -ClientId 'pester-two') -join ',' | Should -BeExactly $k.TwoB.Kid
        (Get-AttachedKid -Emulator $emulator -ClientId 'pester-two') -join ',' | Should -BeExactly $k.TwoB.Kid
    }

    It 'takes Get-ClientCredential output from the pipeline' {
        Get-ClientCredential -ClientId 'pester-pool' | Where-Object { -not $_.Attached } | Remove-ClientCredential -Confirm:$false

        (Get-StoredKid -Emulator $emulator -ClientId 'pester-pool') -join ',' | Should -BeExactly $k.PoolA.Kid
    }

    It 'refuses the last attached credential with LastAttachedCredential and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Remove-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'LastAttachedCredential,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing with -WhatIf, even with -Force on the last attached credential' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Get-ClientCredential -ClientId 'pester-pool' | Where-Object { -not $_.Attached } | Remove-ClientCredential -WhatIf
        Remove-ClientCredential -ClientId 'pester-one' -Kid $k.One.Kid -Force -WhatIf

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'reports an unknown credential with CredentialNotFound' {
        $err = Get-FirstError { Remove-ClientCredential -ClientId 'pester-pool' -Kid $k.One.Kid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Remove-ClientCredential -ClientId 'no-such-client' -Kid $k.One.Kid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Remove-ClientCredential -ClientId 'pester-pool' -Kid $k.PoolB.Kid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Test-ClientCredential' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'gets a real token with an attached key and reports its facts' {
        $result = Test-ClientCredential -ClientId 'pester-one' -Key $k.One -Audience $TestApi

        $result.GetType().Name | Should -BeExactly 'ClientCredentialTestResult'
        $result.Success | Should -BeTrue
        $result.ClientId | Should -BeExactly 'pester-one'
        $result.Kid | Should -BeExactly $k.One.Kid
        $result.ExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'takes the key from the pipeline' {
        $result = $k.TwoB | Test-ClientCredential -ClientId 'pester-two' -Audience $TestApi

        $result.Success | Should -BeTrue
    }

    It 'reports a stored but detached key as refused, without an error' {
        $errors = $null

        $result = Test-ClientCredential -ClientId 'pester-pool' -Key $k.PoolB -Audience $TestApi -ErrorVariable errors

        $result.Success | Should -BeFalse
        $result.StatusCode | Should -Be 401
        $result.Error | Should -BeExactly 'invalid_client'
        $errors.Count | Should -Be 0
    }

    It 'refuses a key without its private half with PrivateKeyUnavailable' {
        $publicOnly = Export-RotationKey -Key $k.One -PublicOnly | ForEach-Object { Import-RotationKey -Pem $_ }

        $err = Get-FirstError { Test-ClientCredential -ClientId 'pester-one' -Key $publicOnly -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'PrivateKeyUnavailable,*'
    }

    It 'changes nothing on the server' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Test-ClientCredential -ClientId 'pester-one' -Key $k.One -Audience $TestApi | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'never writes the token, the assertion or the private key to any stream' {
        $secretLines = Get-PrivateKeyLines -Key $k.One

        $text = Get-AllOutputText { Test-ClientCredential -ClientId 'pester-one' -Key $k.One -Audience $TestApi -Verbose }

        $text | Should -Match ([regex]::Escape($k.One.Kid))
        $text | Should -Not -Match $JwtPattern
        foreach ($line in $secretLines) {
            $text.Contains($line) | Should -BeFalse
        }
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Test-ClientCredential -ClientId 'pester-one' -Key $k.One -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}
