#Requires -Version 5.1
# Pester 5 tests for Get-ConnectionKey, New-ConnectionKey and Invoke-ConnectionKeyRotation, run
# against the built module and the emulator with its sample connections (an oidc connection using
# private_key_jwt with keys, an okta connection using a client secret, a database connection).
# Every test starts from the seeded state; the server's keys are read from the emulator's state.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $oidc = 'con_oidcSample00001'
    $okta = 'con_oktaSample00001'
    $database = 'con_dbSample0000001'
    $emulator = Start-TestEmulator
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    # The connection's keys as the emulator holds them: kid and state, current first.
    function Get-ServerConnectionKey {
        param([string] $ConnectionId)

        $state = Get-EmulatorSnapshot -Emulator $emulator | ConvertFrom-Json
        $connection = @($state.Connections | Where-Object { $_.Id -ceq $ConnectionId })[0]
        $rank = @{ Current = 0; Next = 1; Previous = 2 }
        return @($connection.Keys | ForEach-Object {
                $s = if ($_.Current) { 'Current' } elseif ($_.Next) { 'Next' } elseif ($_.Previous) { 'Previous' } else { 'Unknown' }
                [pscustomobject]@{ Kid = $_.Kid; State = $s; Rank = $rank[$s] }
            } | Sort-Object Rank | ForEach-Object { '{0}:{1}' -f $_.Kid, $_.State })
    }

    # Puts the state back without the connection's keys (seeded private_key_jwt connections always get keys).
    function Remove-ServerConnectionKey {
        param([string] $ConnectionId)

        $state = Get-EmulatorSnapshot -Emulator $emulator | ConvertFrom-Json -AsHashtable
        $connection = @($state['Connections'] | Where-Object { $_['Id'] -ceq $ConnectionId })[0]
        $connection['Keys'] = @()
        $request = @{
            Uri             = $emulator.BaseUrl + '/_emulator/snapshot'
            Method          = 'Put'
            ContentType     = 'application/json; charset=utf-8'
            Body            = (ConvertTo-Json -InputObject $state -Depth 50)
            UseBasicParsing = $true
        }
        Invoke-WebRequest @request | Out-Null
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Get-ConnectionKey' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'lists the current and the next key with their certificate facts' {
        $keys = @(Get-ConnectionKey -ConnectionId $oidc)

        ($keys | ForEach-Object { '{0}:{1}' -f $_.Kid, $_.State }) -join ',' | Should -BeExactly ((Get-ServerConnectionKey $oidc) -join ',')
        ($keys | ForEach-Object { [string]$_.State }) -join ',' | Should -BeExactly 'Current,Next'
        foreach ($key in $keys) {
            $key.GetType().Name | Should -BeExactly 'ConnectionKey'
            $key.ConnectionId | Should -BeExactly $oidc
            $key.Algorithm | Should -BeExactly 'RS256'
            $key.Thumbprint | Should -Match '^[0-9A-F]{40}$'
            $key.Fingerprint | Should -BeExactly (($key.Thumbprint -split '(..)' | Where-Object { $_ }) -join ':')
            $key.SubjectDn | Should -BeExactly '/CN=oidc-private-key-jwt'
            $key.NotAfter | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddDays(360))
        }
    }

    It 'takes the connection id from the pipeline by property name' {
        $keys = @([pscustomobject]@{ ConnectionId = $oidc } | Get-ConnectionKey)

        $keys.Count | Should -Be 2
    }

    It 'refuses a database connection with ConnectionKeysUnsupported' {
        $err = Get-FirstError { Get-ConnectionKey -ConnectionId $database }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionKeysUnsupported,*'
    }

    It 'reports an unknown connection with ConnectionNotFound' {
        $err = Get-FirstError { Get-ConnectionKey -ConnectionId 'con_doesNotExist01' }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-ConnectionKey -ConnectionId $oidc }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'shows a table without the certificate' {
        $table = Get-ConnectionKey -ConnectionId $oidc | Format-Table | Out-String -Width 300

        $table | Should -Match 'Current'
        $table | Should -Not -Match 'BEGIN CERTIFICATE'
    }
}

Describe 'New-ConnectionKey' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'provisions a current and a next key for a connection without keys' {
        Remove-ServerConnectionKey $oidc

        $keys = @(New-ConnectionKey -ConnectionId $oidc -SigningAlgorithm RS384)

        ($keys | ForEach-Object { [string]$_.State }) -join ',' | Should -BeExactly 'Current,Next'
        ($keys | ForEach-Object { $_.Algorithm }) -join ',' | Should -BeExactly 'RS384,RS384'
        ($keys | ForEach-Object { '{0}:{1}' -f $_.Kid, $_.State }) -join ',' | Should -BeExactly ((Get-ServerConnectionKey $oidc) -join ',')
    }

    It 'turns Auth0''s 409 for a connection that has keys into ConnectionKeysExist and changes nothing' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { New-ConnectionKey -ConnectionId $oidc }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionKeysExist,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a <Name> connection with <ErrorId> and changes nothing' -ForEach @(
        @{ Name = 'client-secret okta'; Id = 'con_oktaSample00001'; ErrorId = 'ConnectionNotPrivateKeyJwt' }
        @{ Name = 'database'; Id = 'con_dbSample0000001'; ErrorId = 'ConnectionKeysUnsupported' }
    ) {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { New-ConnectionKey -ConnectionId $Id }

        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'changes nothing under -WhatIf' {
        Remove-ServerConnectionKey $oidc
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $result = New-ConnectionKey -ConnectionId $oidc -WhatIf

        $result | Should -BeNullOrEmpty
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'accepts only Auth0''s signing algorithms' {
        { New-ConnectionKey -ConnectionId $oidc -SigningAlgorithm HS256 -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Invoke-ConnectionKeyRotation' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'is a High-impact state change' {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Invoke-ConnectionKeyRotation))

        $metadata.SupportsShouldProcess | Should -BeTrue
        $metadata.ConfirmImpact | Should -Be 'High'
    }

    It 'makes the next key current and the current one previous, and returns the new state' {
        $before = @(Get-ConnectionKey -ConnectionId $oidc)

        $after = @(Invoke-ConnectionKeyRotation -ConnectionId $oidc -SigningAlgorithm PS256 -Confirm:$false)

        ($after | ForEach-Object { [string]$_.State }) -join ',' | Should -BeExactly 'Current,Next,Previous'
        $after[0].Kid | Should -BeExactly $before[1].Kid
        $after[2].Kid | Should -BeExactly $before[0].Kid
        $after[1].Kid | Should -Not -BeIn @($before | ForEach-Object { $_.Kid })
        $after[1].Algorithm | Should -BeExactly 'PS256'
        ($after | ForEach-Object { '{0}:{1}' -f $_.Kid, $_.State }) -join ',' | Should -BeExactly ((Get-ServerConnectionKey $oidc) -join ',')
    }

    It 'names the next key in its confirmation (shown by -WhatIf) and changes nothing' {
        $next = @(Get-ConnectionKey -ConnectionId $oidc)[1].Kid
        $before = Get-EmulatorSnapshot -Emulator $emulator
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            $result = Invoke-ConnectionKeyRotation -ConnectionId $oidc -WhatIf
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $text = (Get-Content -LiteralPath $transcript -Raw) -replace '\s+', ' '

        $result | Should -BeNullOrEmpty
        $text | Should -BeLike "*What if: Performing the operation `"Rotate the connection keys: the next key '$next' becomes current*"
        $text | Should -Match 'upstream IdP must already trust it'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a <Name> connection with <ErrorId> and changes nothing' -ForEach @(
        @{ Name = 'client-secret okta'; Id = 'con_oktaSample00001'; ErrorId = 'ConnectionNotPrivateKeyJwt' }
        @{ Name = 'database'; Id = 'con_dbSample0000001'; ErrorId = 'ConnectionKeysUnsupported' }
        @{ Name = 'missing'; Id = 'con_doesNotExist01'; ErrorId = 'ConnectionNotFound' }
    ) {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ConnectionKeyRotation -ConnectionId $Id -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'refuses a connection without keys with ConnectionKeysMissing and changes nothing' {
        Remove-ServerConnectionKey $oidc
        $before = Get-EmulatorSnapshot -Emulator $emulator

        $err = Get-FirstError { Invoke-ConnectionKeyRotation -ConnectionId $oidc -Confirm:$false }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionKeysMissing,*'
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'puts no token or private key in any stream' {
        $text = Get-AllOutputText { Invoke-ConnectionKeyRotation -ConnectionId $oidc -Confirm:$false }

        $text | Should -Match 'Current'
        $text | Should -Not -Match $JwtPattern
        $text | Should -Not -Match 'PRIVATE KEY'
    }
}
