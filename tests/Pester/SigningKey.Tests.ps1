#Requires -Version 5.1
# Pester 5 tests for Get-SigningKey, Revoke-SigningKey and Invoke-SigningKeyRotation against the
# built module and the emulator (a child process, see TestHelpers.ps1). Every test starts from the
# seeded state (a current and a next key); the emulator's clock is not moved here (the policy
# schedule with a moved clock is in tests/PsCredRotate.Integration.Tests/SigningKeys).
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $emulator = Start-TestEmulator
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    # The kids the tenant's JWKS serves right now.
    function Get-JwksKid {
        $jwks = Invoke-RestMethod -Uri ($emulator.BaseUrl + '/.well-known/jwks.json') -UseBasicParsing
        return @($jwks.keys | ForEach-Object { $_.kid })
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Get-SigningKey' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'lists the current and the next key with their certificate expiry' {
        $keys = @(Get-SigningKey)

        $keys.Count | Should -Be 2
        ($keys | ForEach-Object { [string]$_.State } | Sort-Object) -join ',' | Should -BeExactly 'Current,Next'
        foreach ($key in $keys) {
            $key.GetType().FullName | Should -BeExactly 'PsCredRotate.Core.SigningKeys.SigningKey'
            $key.NotAfter | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddYears(9))
            $key.Thumbprint | Should -Match '^[0-9A-F]{40}$'
            $key.Fingerprint.Replace(':', '') | Should -BeExactly $key.Thumbprint
            $key.Tenant | Should -BeExactly $emulator.Domain
        }
        (@($keys.Kid) | Sort-Object) -join ',' | Should -BeExactly ((Get-JwksKid | Sort-Object) -join ',')
    }

    It 'filters by state and reads keys by kid, also from the pipeline' {
        $current = @(Get-SigningKey -State Current)
        $current.Count | Should -Be 1
        $current[0].CurrentSince | Should -Not -BeNullOrEmpty

        $byKid = @(Get-SigningKey -Kid $current[0].Kid)
        $byKid.Count | Should -Be 1
        $byKid[0].Kid | Should -BeExactly $current[0].Kid
        @($current | Get-SigningKey).Count | Should -Be 1
    }

    It 'answers an unknown kid with SigningKeyNotFound' {
        $err = Get-FirstError { Get-SigningKey -Kid 'no-such-kid' }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-SigningKey }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Revoke-SigningKey' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'refuses the current key with SigningKeyIsCurrent and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator
        $kid = (Get-SigningKey -State Current).Kid

        $err = Get-FirstError { Revoke-SigningKey -Kid $kid -Force -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyIsCurrent,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses the next key with SigningKeyIsNext and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator
        $kid = (Get-SigningKey -State Next).Kid

        $err = Get-FirstError { Revoke-SigningKey -Kid $kid -Force -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyIsNext,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses -Previous when there is no previous key (SigningKeyNoPrevious)' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Revoke-SigningKey -Previous -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyNoPrevious,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a key that just became previous inside the retention period (SigningKeyInRetention) and changes nothing' {
        Invoke-SigningKeyRotation -Confirm:$false | Out-Null
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Revoke-SigningKey -Previous -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyInRetention,*'
        $err.Exception.Message | Should -BeLike '*-Force*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing with -WhatIf' {
        $previous = (Invoke-SigningKeyRotation -Confirm:$false).PreviousKids[0]
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $out = Revoke-SigningKey -Kid $previous -Force -WhatIf

        $out | Should -BeNullOrEmpty
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'revokes the previous key past the retention period, which leaves the JWKS' {
        $previous = (Invoke-SigningKeyRotation -Confirm:$false).PreviousKids[0]
        Get-JwksKid | Should -Contain $previous

        $revoked = @(Get-SigningKey -State Previous | Revoke-SigningKey -RetentionPeriod ([TimeSpan]::Zero) -PassThru -Confirm:$false)

        $revoked.Count | Should -Be 1
        $revoked[0].Kid | Should -BeExactly $previous
        [string]$revoked[0].State | Should -BeExactly 'Revoked'
        $revoked[0].RevokedAt | Should -Not -BeNullOrEmpty
        Get-JwksKid | Should -Not -Contain $previous
        (Get-FirstError { Revoke-SigningKey -Kid $previous -Force -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'SigningKeyAlreadyRevoked,*'
    }

    It 'revokes inside the retention period with -Force, and writes nothing without -PassThru' {
        $previous = (Invoke-SigningKeyRotation -Confirm:$false).PreviousKids[0]

        $out = Revoke-SigningKey -Kid $previous -Force -Confirm:$false

        $out | Should -BeNullOrEmpty
        [string](Get-SigningKey -Kid $previous).State | Should -BeExactly 'Revoked'
    }

    It 'is ConfirmImpact High and its ShouldProcess text says tokens stop validating' {
        $attribute = (Get-Command Revoke-SigningKey).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        [string]$attribute.ConfirmImpact | Should -BeExactly 'High'

        $previous = (Invoke-SigningKeyRotation -Confirm:$false).PreviousKids[0]
        # "What if:" goes to the host: a transcript records it.
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            Revoke-SigningKey -Kid $previous -Force -WhatIf
        }
        finally {
            Stop-Transcript | Out-Null
        }
        Get-Content -LiteralPath $transcript -Raw | Should -BeLike "*What if:*tokens signed with the key $previous stop validating*"
    }
}

Describe 'Invoke-SigningKeyRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'rotates without a policy: next becomes current, current previous, and says why' {
        $current = (Get-SigningKey -State Current).Kid
        $next = (Get-SigningKey -State Next).Kid

        $result = Invoke-SigningKeyRotation -Confirm:$false

        $result.GetType().FullName | Should -BeExactly 'PsCredRotate.Core.SigningKeys.SigningKeyRotationResult'
        [string]$result.Action | Should -BeExactly 'Rotated'
        $result.CurrentKid | Should -BeExactly $next
        $result.PreviousKids | Should -Be @($current)
        $result.NextKid | Should -Not -BeIn @($current, $next)
        $result.Reason | Should -BeLike "*$next becomes current*"
        (Get-SigningKey -State Current).Kid | Should -BeExactly $next
    }

    It 'does nothing while the current key is younger than -RotateAfter (Action None) and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $result = Invoke-SigningKeyRotation -RotateAfter (New-TimeSpan -Days 90) -Confirm:$false

        [string]$result.Action | Should -BeExactly 'None'
        $result.Reason | Should -BeLike '*less than RotateAfter 90 d*'
        $result.NextActionAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddDays(89))
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'waits for -PropagationTime after a rotation (Action Waited)' {
        Invoke-SigningKeyRotation -Confirm:$false | Out-Null
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $result = Invoke-SigningKeyRotation -PropagationTime (New-TimeSpan -Days 2) -Confirm:$false

        [string]$result.Action | Should -BeExactly 'Waited'
        $result.Reason | Should -BeLike '*less than PropagationTime 2 d*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'revokes the previous key with -RevokePrevious once its retention is over (Action Revoked)' {
        $first = Invoke-SigningKeyRotation -Confirm:$false

        $result = Invoke-SigningKeyRotation -RotateAfter (New-TimeSpan -Days 90) -RevokePrevious -RetentionPeriod ([TimeSpan]::Zero) -Confirm:$false

        [string]$result.Action | Should -BeExactly 'Revoked'
        $result.RevokedKids | Should -Be @($first.PreviousKids[0])
        Get-JwksKid | Should -Not -Contain $first.PreviousKids[0]
    }

    It 'verifies the new current key in the JWKS given with -VerifyJwksUri' {
        $jwks = [Uri]($emulator.BaseUrl + '/.well-known/jwks.json')

        $result = Invoke-SigningKeyRotation -VerifyJwksUri $jwks -Confirm:$false

        [string]$result.Action | Should -BeExactly 'Rotated'
        $result.VerifiedJwksUris.Count | Should -Be 2
        Get-JwksKid | Should -Contain $result.CurrentKid
    }

    It 'refuses to rotate when a given JWKS does not serve the next key (SigningKeyNotPublished) and changes nothing' {
        # Another tenant's JWKS stands in for a gateway that serves other keys.
        $other = Start-TestEmulator
        try {
            $before = Get-EmulatorSnapshot -Emulator $emulator
            $next = (Get-SigningKey -State Next).Kid

            $err = Get-FirstError { Invoke-SigningKeyRotation -VerifyJwksUri ([Uri]($other.BaseUrl + '/.well-known/jwks.json')) -Confirm:$false }

            $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyNotPublished,*'
            $err.Exception.Message | Should -BeLike "Not rotated*$next*"
            Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
        }
        finally {
            Stop-TestEmulator -Emulator $other
        }
    }

    It 'refuses a -VerifyJwksUri that is not a JWKS document (ApiResponseInvalid) and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-SigningKeyRotation -VerifyJwksUri ([Uri]($emulator.BaseUrl + '/.well-known/openid-configuration')) -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ApiResponseInvalid,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a negative window with SigningKeyPolicyInvalid before any change' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-SigningKeyRotation -RotateAfter (New-TimeSpan -Days -1) -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'SigningKeyPolicyInvalid,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing and writes no result with -WhatIf' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $out = Invoke-SigningKeyRotation -WhatIf

        $out | Should -BeNullOrEmpty
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'takes -Connection instead of the session default' {
        $connection = Connect-TestTenant -Emulator $emulator
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Invoke-SigningKeyRotation -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'

        Disconnect-Auth0Tenant
        try {
            [string](Invoke-SigningKeyRotation -Connection $connection -Confirm:$false).Action | Should -BeExactly 'Rotated'
        }
        finally {
            Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
        }
    }
}

Describe 'Get-ExpiringCredential -Source SigningKey' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'lists the current, next and previous signing keys by certificate NotAfter, not the revoked ones' {
        $rotation = Invoke-SigningKeyRotation -Confirm:$false
        $revoked = $rotation.PreviousKids[0]
        Invoke-SigningKeyRotation -Confirm:$false | Out-Null
        Revoke-SigningKey -Kid $revoked -Force -Confirm:$false

        $found = @(Get-ExpiringCredential -Within (New-TimeSpan -Days 4000) -Source SigningKey)
        $keys = @(Get-SigningKey | Where-Object { [string]$_.State -ne 'Revoked' })

        $found.Count | Should -Be 3
        (@($found.Kid) | Sort-Object) -join ',' | Should -BeExactly ((@($keys.Kid) | Sort-Object) -join ',')
        $found.Kid | Should -Not -Contain $revoked
        foreach ($item in $found) {
            [string]$item.Source | Should -BeExactly 'SigningKey'
            $item.ExpiresAt | Should -Be ($keys | Where-Object Kid -eq $item.Kid).NotAfter
            $item.Name | Should -BeIn @('Current', 'Next', 'Previous')
        }
        @(Get-ExpiringCredential -Within 30 -Source SigningKey).Count | Should -Be 0
    }
}
