#Requires -Version 5.1
# Pester 5 tests for Start/Complete/Undo/Invoke-ClientCredentialRotation, run against the built
# module and the emulator (a child process, see TestHelpers.ps1). Every test starts from the seeded
# state; what the server holds is read from the emulator's own state, not through the module.
# The token endpoint is made to refuse a key with POST /_emulator/token-refusals.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $k = @{}
    foreach ($name in @('One', 'TwoA', 'TwoB', 'PoolA', 'PoolB', 'PoolC', 'PoolD', 'SpareA', 'SpareB', 'Bulk1', 'Bulk2', 'Bulk3', 'Bulk4')) {
        $k[$name] = New-RotationKey -Name ('rotation-' + $name)
    }
    $clients = @(
        (New-TestClientSeed -ClientId 'rot-one' -Name 'Rotation one attached' -Attached @($k.One)),
        (New-TestClientSeed -ClientId 'rot-two' -Name 'Rotation two attached' -Attached @($k.TwoA, $k.TwoB)),
        (New-TestClientSeed -ClientId 'rot-pool' -Name 'Rotation pool full' -Attached @($k.PoolA) -Stored @($k.PoolB, $k.PoolC, $k.PoolD)),
        (New-TestClientSeed -ClientId 'rot-spare' -Name 'Rotation spare stored' -Attached @($k.SpareA) -Stored @($k.SpareB)),
        (New-TestClientSeed -ClientId 'rot-secret' -Name 'Rotation secret' -Secret 'rotation-secret-value-change-me'),
        (New-TestClientSeed -ClientId 'rot-bulk-1' -Name 'Rotation bulk 1' -Attached @($k.Bulk1)),
        (New-TestClientSeed -ClientId 'rot-bulk-2' -Name 'Rotation bulk 2' -Attached @($k.Bulk2)),
        (New-TestClientSeed -ClientId 'rot-bulk-3' -Name 'Rotation bulk 3' -Attached @($k.Bulk3)),
        (New-TestClientSeed -ClientId 'rot-bulk-4' -Name 'Rotation bulk 4' -Attached @($k.Bulk4))
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    # A token for the key, from the emulator's token endpoint (not through the module).
    function Test-KeyGetsToken {
        param([string] $ClientId, $Key)
        $assertion = New-ClientAssertion -Key $Key -ClientId $ClientId -Audience ('https://' + $emulator.Domain + '/') -AsPlainText
        $body = @{
            grant_type            = 'client_credentials'
            client_id             = $ClientId
            client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
            client_assertion      = $assertion
            audience              = $TestApi
        }
        try {
            Invoke-RestMethod -Method Post -Uri ($emulator.BaseUrl + '/oauth/token') -Body $body | Out-Null
            return $true
        }
        catch {
            return $false
        }
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Start-ClientCredentialRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'adds a new key beside the attached one and proves it with a real token' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi

        $rotation.GetType().Name | Should -BeExactly 'ClientCredentialRotation'
        $rotation.Phase.ToString() | Should -BeExactly 'Started'
        $rotation.Verified | Should -BeTrue
        $rotation.NewKid | Should -Not -BeExactly $k.One.Kid
        $rotation.NewKey.Kid | Should -BeExactly $rotation.NewKid
        @($rotation.RetiringKids) -join ',' | Should -BeExactly $k.One.Kid
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly ((@($k.One.Kid, $rotation.NewKid) | Sort-Object) -join ',')
        Test-KeyGetsToken -ClientId 'rot-one' -Key $rotation.NewKey | Should -BeTrue
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'reports its steps: create, attach, verify' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi
        $kinds = @($rotation.Steps | ForEach-Object { $_.Kind.ToString() })

        $kinds | Should -Contain 'Create'
        $kinds | Should -Contain 'SetAttached'
        $kinds | Should -Contain 'Verify'
        @($rotation.Steps | Where-Object { $_.Status.ToString() -eq 'Failed' }).Count | Should -Be 0
    }

    It 'uses the key given with -Key' {
        $key = New-RotationKey -Algorithm PS256

        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi

        $rotation.NewKid | Should -BeExactly $key.Kid
        Get-AttachedKid -Emulator $emulator -ClientId 'rot-one' | Should -Contain $key.Kid
    }

    It 'writes the new private key to -KeyPath' {
        $path = Join-Path $TestDrive ('start-' + [guid]::NewGuid().ToString('N') + '.pem')

        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -KeyPath $path -Audience $TestApi

        (Import-RotationKey -Path $path).Kid | Should -BeExactly $rotation.NewKid
        $rotation.KeyPath | Should -Not -BeNullOrEmpty
        $item = Get-Item -LiteralPath $path
        if ($null -ne $item.PSObject.Properties['UnixMode']) {
            $item.UnixMode | Should -BeExactly '-rw-------'
        }
    }

    It 'finishes an interrupted run without a second credential when run again with the same -KeyPath' {
        $path = Join-Path $TestDrive ('rerun-' + [guid]::NewGuid().ToString('N') + '.pem')

        $first = Start-ClientCredentialRotation -ClientId 'rot-one' -KeyPath $path -Audience $TestApi
        $second = Start-ClientCredentialRotation -ClientId 'rot-one' -KeyPath $path -Audience $TestApi

        $second.NewKid | Should -BeExactly $first.NewKid
        @(Get-StoredKid -Emulator $emulator -ClientId 'rot-one').Count | Should -Be 2
    }

    It 'changes nothing with -WhatIf, and writes no key file' {
        $path = Join-Path $TestDrive ('whatif-' + [guid]::NewGuid().ToString('N') + '.pem')
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -KeyPath $path -Audience $TestApi -WhatIf

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        Test-Path -LiteralPath $path | Should -BeFalse
        if ($null -ne $rotation) {
            $rotation.Phase.ToString() | Should -BeExactly 'Planned'
        }
    }

    It 'refuses a client whose two slots are taken with SlotFull, naming both, and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-two' -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'SlotFull,*'
        $err.Exception.Message | Should -Match ([regex]::Escape($k.TwoA.Kid))
        $err.Exception.Message | Should -Match ([regex]::Escape($k.TwoB.Kid))
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'rotates a client whose two slots are taken when -Retire names the one to retire' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-two' -Retire $k.TwoA.Kid -Audience $TestApi
        $attached = Get-AttachedKid -Emulator $emulator -ClientId 'rot-two'

        $rotation.Phase.ToString() | Should -BeExactly 'Started'
        @($rotation.RetiringKids) | Should -Contain $k.TwoA.Kid
        $attached | Should -Contain $rotation.NewKid
        $attached | Should -Contain $k.TwoB.Kid
        $attached.Count | Should -Be 2
    }

    It 'refuses -Retire of a credential that is not attached with RetireCredentialNotAttached' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-spare' -Retire $k.SpareB.Kid -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'RetireCredentialNotAttached,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a client with 4 stored credentials with PoolFull and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-pool' -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'PoolFull,*'
        $err.Exception.Message | Should -Match ([regex]::Escape($k.PoolB.Kid))
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'makes room with -PruneDetached when 4 credentials are stored' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-pool' -PruneDetached -Audience $TestApi
        $stored = @(Get-StoredKid -Emulator $emulator -ClientId 'rot-pool')

        $rotation.Phase.ToString() | Should -BeExactly 'Started'
        $stored.Count | Should -BeLessOrEqual 4
        $stored | Should -Contain $rotation.NewKid
        $stored | Should -Contain $k.PoolA.Kid
    }

    It 'moves a client off its secret with -AllowAuthenticationMethodSwitch when a runbook waives the question with -Confirm:$false' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-secret' -Audience $TestApi -AllowAuthenticationMethodSwitch -Confirm:$false

        $rotation.Verified | Should -BeTrue
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-secret') -join ',' | Should -BeExactly $rotation.NewKid
        Test-KeyGetsToken -ClientId 'rot-secret' -Key $rotation.NewKey | Should -BeTrue
    }

    It 'refuses a client that uses a secret with ClientUsesClientSecret and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-secret' -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientUsesClientSecret,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a <Algorithm> key before any call with CredentialAlgorithmUnsupported' -ForEach @(
        @{ Algorithm = 'ES256' }
        @{ Algorithm = 'EdDSA' }
    ) {
        $key = New-RotationKey -Algorithm $Algorithm
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialAlgorithmUnsupported,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -Algorithm <Algorithm> (accepted by other providers) for an Auth0 client before any call with CredentialAlgorithmUnsupported' -ForEach @(
        @{ Algorithm = 'ES256' }
        @{ Algorithm = 'EdDSA' }
    ) {
        $before = Get-EmulatorSnapshot -Emulator $emulator
        $keyPath = Join-Path $TestDrive ('generated-' + $Algorithm + '.pem')

        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-one' -Algorithm $Algorithm -KeyPath $keyPath -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialAlgorithmUnsupported,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'undoes its changes and reports RotationVerificationFailed when the new key is refused' {
        $key = New-RotationKey
        $attachedBefore = (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ','
        $storedBefore = (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ','
        Add-TokenRefusal -Emulator $emulator -Kid $key.Kid
        try {
            $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi }
        }
        finally {
            Clear-TokenRefusals -Emulator $emulator
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $attachedBefore
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $storedBefore
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'refuses -ThrottleLimit 0 with ThrottleLimitInvalid' {
        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'rot-one' -ThrottleLimit 0 -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'ThrottleLimitInvalid,*'
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Start-ClientCredentialRotation -ClientId 'no-such-client' -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'rotates every client from Get-Auth0Client on the pipeline, one result each' {
        $rotations = @(Get-Auth0Client -Name 'Rotation bulk *' | Start-ClientCredentialRotation -ThrottleLimit 2 -Audience $TestApi)

        $rotations.Count | Should -Be 4
        ($rotations | ForEach-Object { $_.ClientId } | Sort-Object) -join ',' | Should -BeExactly 'rot-bulk-1,rot-bulk-2,rot-bulk-3,rot-bulk-4'
        foreach ($rotation in $rotations) {
            $rotation.Phase.ToString() | Should -BeExactly 'Started'
            Get-AttachedKid -Emulator $emulator -ClientId $rotation.ClientId | Should -Contain $rotation.NewKid
        }
    }

    It 'writes one error for a failing client in a bulk run and rotates the others' {
        $targets = @(
            [pscustomobject]@{ ClientId = 'rot-bulk-1' }
            [pscustomobject]@{ ClientId = 'rot-two' }
            [pscustomobject]@{ ClientId = 'rot-bulk-2' }
        )
        $errors = $null

        $rotations = @($targets | Start-ClientCredentialRotation -Audience $TestApi -ErrorAction SilentlyContinue -ErrorVariable errors)

        ($rotations | ForEach-Object { $_.ClientId } | Sort-Object) -join ',' | Should -BeExactly 'rot-bulk-1,rot-bulk-2'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SlotFull,*'
        $errors[0].TargetObject | Should -BeExactly 'rot-two'
    }

    It 'never shows the new private key, a token or an assertion in any output stream' {
        $key = New-RotationKey
        $secretLines = Get-PrivateKeyLines -Key $key

        $text = Get-AllOutputText { Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi -Verbose }

        $text | Should -Match ([regex]::Escape($key.Kid))
        $text | Should -Not -Match 'PRIVATE KEY'
        $text | Should -Not -Match $JwtPattern
        $text.Contains($TestManagementSecret) | Should -BeFalse
        foreach ($line in $secretLines) {
            $text.Contains($line) | Should -BeFalse
        }
    }
}

Describe 'Complete-ClientCredentialRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'retires the old key after verifying the new one, from the pipeline' {
        $completed = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi | Complete-ClientCredentialRotation -Confirm:$false

        $completed.Phase.ToString() | Should -BeExactly 'Completed'
        $completed.Verified | Should -BeTrue
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $completed.NewKid
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $completed.NewKid
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeFalse
    }

    It 'keeps the old credential stored and detached with -KeepPrevious' {
        $completed = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi | Complete-ClientCredentialRotation -KeepPrevious -Confirm:$false

        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $completed.NewKid
        Get-StoredKid -Emulator $emulator -ClientId 'rot-one' | Should -Contain $k.One.Kid
    }

    It 'completes by -ClientId and -Key, as a later session would' {
        $key = New-RotationKey
        Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi | Out-Null

        $completed = Complete-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi -Confirm:$false

        $completed.Phase.ToString() | Should -BeExactly 'Completed'
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $key.Kid
    }

    It 'does nothing more when run again' {
        $key = New-RotationKey
        Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi | Out-Null
        Complete-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi -Confirm:$false | Out-Null
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $again = Complete-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi -Confirm:$false

        $again.Phase.ToString() | Should -BeExactly 'Completed'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing with -WhatIf' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $rotation | Complete-ClientCredentialRotation -WhatIf | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'retires nothing and reports RotationVerificationFailed when the new key is refused' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi
        $before = Get-EmulatorSnapshot -Emulator $emulator
        Add-TokenRefusal -Emulator $emulator -Kid $rotation.NewKid
        try {
            $err = Get-FirstError { $rotation | Complete-ClientCredentialRotation -Confirm:$false }
        }
        finally {
            Clear-TokenRefusals -Emulator $emulator
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'refuses a key that was never added with RotationNotStarted' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Complete-ClientCredentialRotation -ClientId 'rot-one' -Key (New-RotationKey) -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationNotStarted,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses to retire the new key itself with RetireIncludesNewKey' {
        $key = New-RotationKey
        Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi | Out-Null
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Complete-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Retire $key.Kid -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'RetireIncludesNewKey,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -ThrottleLimit 0 with ThrottleLimitInvalid' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi

        $err = Get-FirstError { $rotation | Complete-ClientCredentialRotation -ThrottleLimit 0 -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ThrottleLimitInvalid,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Complete-ClientCredentialRotation -ClientId 'rot-one' -Key $k.One -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'completes many rotations from the pipeline, one result each' {
        $completed = @(Get-Auth0Client -Name 'Rotation bulk *' |
                Start-ClientCredentialRotation -Audience $TestApi |
                Complete-ClientCredentialRotation -ThrottleLimit 2 -Confirm:$false)

        $completed.Count | Should -Be 4
        foreach ($rotation in $completed) {
            $rotation.Phase.ToString() | Should -BeExactly 'Completed'
            (Get-StoredKid -Emulator $emulator -ClientId $rotation.ClientId) -join ',' | Should -BeExactly $rotation.NewKid
        }
    }
}

Describe 'Undo-ClientCredentialRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'takes a started rotation back: the new credential is gone, the old one is as it was' {
        $attachedBefore = (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ','
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi

        $undone = $rotation | Undo-ClientCredentialRotation -Confirm:$false

        $undone.Phase.ToString() | Should -BeExactly 'Undone'
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $attachedBefore
        Get-StoredKid -Emulator $emulator -ClientId 'rot-one' | Should -Not -Contain $rotation.NewKid
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'undoes by -ClientId and -NewKid' {
        $key = New-RotationKey
        Start-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Audience $TestApi | Out-Null

        Undo-ClientCredentialRotation -ClientId 'rot-one' -NewKid $key.Kid -Confirm:$false | Out-Null

        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $k.One.Kid
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $k.One.Kid
    }

    It 'does nothing more when run again' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi
        $rotation | Undo-ClientCredentialRotation -Confirm:$false | Out-Null
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $again = $rotation | Undo-ClientCredentialRotation -Confirm:$false

        $again.Phase.ToString() | Should -BeExactly 'Undone'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses to take away the only credential left after a completed rotation with LastAttachedCredential' {
        $completed = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi | Complete-ClientCredentialRotation -Confirm:$false
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Undo-ClientCredentialRotation -ClientId 'rot-one' -NewKid $completed.NewKid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'LastAttachedCredential,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing with -WhatIf' {
        $rotation = Start-ClientCredentialRotation -ClientId 'rot-one' -Audience $TestApi
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $rotation | Undo-ClientCredentialRotation -WhatIf | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Undo-ClientCredentialRotation -ClientId 'rot-one' -NewKid $k.One.Kid -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Invoke-ClientCredentialRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        $deployDir = Join-Path $TestDrive ('deploy-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $deployDir | Out-Null
        # What the deploy block saw, per client.
        $seen = @{}
        $folder = $deployDir
        $writeKeyFile = {
            param($clientId, $key)
            $seen[$clientId] = @{ Kid = $key.Kid; RotationKid = $_.NewKid }
            Export-RotationKey -Key $key -Path (Join-Path $folder ($clientId + '.pem')) -Force -Confirm:$false | Out-Null
        }.GetNewClosure()
    }

    It 'starts, deploys the key with the script block, then completes' {
        $result = Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false
        $deployed = Import-RotationKey -Path (Join-Path $deployDir 'rot-one.pem')

        $result.Phase.ToString() | Should -BeExactly 'Completed'
        $seen['rot-one'].Kid | Should -BeExactly $result.NewKid
        $seen['rot-one'].RotationKid | Should -BeExactly $result.NewKid
        $deployed.Kid | Should -BeExactly $result.NewKid
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $result.NewKid
        Test-KeyGetsToken -ClientId 'rot-one' -Key $deployed | Should -BeTrue
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeFalse
    }

    It 'keeps the old credential stored with -KeepPrevious' {
        $result = Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy $writeKeyFile -KeepPrevious -Audience $TestApi -Confirm:$false

        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $result.NewKid
        Get-StoredKid -Emulator $emulator -ClientId 'rot-one' | Should -Contain $k.One.Kid
    }

    It 'undoes the rotation and reports RotationDeployFailed when the deploy block throws' {
        $storedBefore = (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ','

        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy { throw 'the service did not come back' } -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationDeployFailed,*'
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $storedBefore
        (Get-AttachedKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $k.One.Kid
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'undoes the rotation, never deploys, and reports RotationVerificationFailed when the new key is refused' {
        $key = New-RotationKey
        $storedBefore = (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ','
        Add-TokenRefusal -Emulator $emulator -Kid $key.Kid
        try {
            $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false }
        }
        finally {
            Clear-TokenRefusals -Emulator $emulator
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        $seen.Count | Should -Be 0
        (Get-StoredKid -Emulator $emulator -ClientId 'rot-one') -join ',' | Should -BeExactly $storedBefore
        Test-KeyGetsToken -ClientId 'rot-one' -Key $k.One | Should -BeTrue
    }

    It 'changes nothing and never deploys with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy $writeKeyFile -Audience $TestApi -WhatIf | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        $seen.Count | Should -Be 0
        @(Get-ChildItem -LiteralPath $deployDir).Count | Should -Be 0
    }

    It 'refuses a client whose two slots are taken with SlotFull, before deploying anything' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'rot-two' -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SlotFull,*'
        $seen.Count | Should -Be 0
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a client that uses a secret with ClientUsesClientSecret' {
        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'rot-secret' -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientUsesClientSecret,*'
    }

    It 'refuses -ThrottleLimit 0 with ThrottleLimitInvalid' {
        $err = Get-FirstError { Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy $writeKeyFile -ThrottleLimit 0 -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ThrottleLimitInvalid,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Invoke-ClientCredentialRotation -ClientId 'rot-one' -Deploy { } -Audience $TestApi -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'rotates every client from Get-Auth0Client on the pipeline and deploys each once' {
        $results = @(Get-Auth0Client -Name 'Rotation bulk *' |
                Invoke-ClientCredentialRotation -ThrottleLimit 2 -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false)

        $results.Count | Should -Be 4
        ($seen.Keys | Sort-Object) -join ',' | Should -BeExactly 'rot-bulk-1,rot-bulk-2,rot-bulk-3,rot-bulk-4'
        foreach ($result in $results) {
            $result.Phase.ToString() | Should -BeExactly 'Completed'
            (Import-RotationKey -Path (Join-Path $deployDir ($result.ClientId + '.pem'))).Kid | Should -BeExactly $result.NewKid
        }
    }

    It 'never shows the new private key, a token or an assertion in any output stream' {
        $key = New-RotationKey
        $secretLines = Get-PrivateKeyLines -Key $key

        $text = Get-AllOutputText { Invoke-ClientCredentialRotation -ClientId 'rot-one' -Key $key -Deploy $writeKeyFile -Audience $TestApi -Confirm:$false -Verbose }

        $text | Should -Match ([regex]::Escape($key.Kid))
        $text | Should -Not -Match 'PRIVATE KEY'
        $text | Should -Not -Match $JwtPattern
        foreach ($line in $secretLines) {
            $text.Contains($line) | Should -BeFalse
        }
    }
}
