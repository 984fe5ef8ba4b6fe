#Requires -Version 5.1
# Pester 5 tests for the argument completers, through TabExpansion2 (what the shell calls on Tab)
# against the built module and the emulator with its sample tenant: -ClientId completes the
# tenant's client ids (the name as tooltip), -ConnectionId the oidc/okta connections, both from the
# -Connection on the command line or the session default, read once per connection for a minute;
# -Algorithm completes the set each cmdlet accepts.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    # Every cmdlet with -ClientId but Connect-Auth0Tenant (whose client is the one connecting).
    $clientIdCommands = @(Get-Command -Module PsCredRotate | Where-Object { $_.Parameters.ContainsKey('ClientId') -and $_.Name -ne 'Connect-Auth0Tenant' } | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $emulator = Start-TestEmulator
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    # What Tab offers at the end of $Line.
    function Get-Completion {
        param([Parameter(Mandatory = $true)] [string] $Line)
        return @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
    }

    # The server's clients / connections, read from the emulator's state (not through the module).
    function Get-ServerClientId {
        $state = Get-EmulatorSnapshot -Emulator $emulator | ConvertFrom-Json
        return @($state.Clients | ForEach-Object { $_.ClientId } | Sort-Object)
    }

    # Counts the GET requests on $Path: a zero-latency fault rule that only counts its hits.
    function Start-RequestCount {
        param([string] $Path)
        Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'faults' -Body @(@{ match = "GET $Path"; kind = 'latency'; latencyMs = 0 }) | Out-Null
    }

    function Get-RequestCount {
        $rules = (Invoke-EmulatorAdmin -Emulator $emulator -Method Get -Path 'faults').Content | ConvertFrom-Json
        return [int](@($rules)[0].hits)
    }
}

AfterAll {
    Remove-Variable -Name PscrCompletionTenant -Scope Global -ErrorAction SilentlyContinue
    Stop-TestEmulator -Emulator $emulator
}

Describe '-ClientId completion' {
    It 'is on at least the client credential cmdlets' {
        $commands = @(Get-Command -Module PsCredRotate | Where-Object { $_.Parameters.ContainsKey('ClientId') })

        $commands.Count | Should -BeGreaterOrEqual 13
    }

    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
        Invoke-EmulatorAdmin -Emulator $emulator -Method Delete -Path 'faults' | Out-Null
    }

    It 'offers every client id of the session''s tenant, with the client name as tooltip' {
        $matches = Get-Completion 'Get-ClientCredential -ClientId '

        @($matches.CompletionText | Sort-Object) | Should -Be (Get-ServerClientId)
        $sample = @($matches | Where-Object CompletionText -eq 'emulator-sample-m2m')[0]
        $sample.ToolTip | Should -BeLike '*(emulator-sample-m2m)'
        $sample.ToolTip | Should -Not -BeExactly 'emulator-sample-m2m'
        $sample.ResultType | Should -Be 'ParameterValue'
    }

    It 'offers only the clients whose id starts with the typed word' {
        $matches = Get-Completion 'Test-ClientCredential -ClientId emulator-sam'

        @($matches.CompletionText) | Should -Be @('emulator-sample-m2m')
    }

    It 'is on -ClientId of <Name>' -ForEach $clientIdCommands {
        $matches = Get-Completion "$Name -ClientId emulator-sam"

        @($matches.CompletionText) | Should -Be @('emulator-sample-m2m')
    }

    It 'reads the tenant from -Connection on the command line when there is no session default' {
        $global:PscrCompletionTenant = Connect-TestTenant -Emulator $emulator
        Disconnect-Auth0Tenant
        try {
            $withConnection = Get-Completion 'Get-ClientCredential -Connection $PscrCompletionTenant -ClientId emulator-sam'
            $without = Get-Completion 'Get-ClientCredential -ClientId emulator-sam'
        }
        finally {
            Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
        }

        @($withConnection.CompletionText) | Should -Be @('emulator-sample-m2m')
        # No connection: nothing from a tenant (PowerShell may offer file names instead), and no error.
        @($without.CompletionText) | Should -Not -Contain 'emulator-sample-m2m'
    }

    It 'reads the clients once for repeated Tab presses on one connection' {
        $global:PscrCompletionTenant = Connect-TestTenant -Emulator $emulator
        Start-RequestCount -Path '/api/v2/clients'

        $first = Get-Completion 'Get-ClientCredential -Connection $PscrCompletionTenant -ClientId '
        $second = Get-Completion 'Get-ClientCredential -Connection $PscrCompletionTenant -ClientId emu'
        $third = Get-Completion 'Remove-ClientCredential -Connection $PscrCompletionTenant -ClientId '

        Get-RequestCount | Should -Be 1
        $first.Count | Should -Be (Get-ServerClientId).Count
        $second.Count | Should -BeGreaterThan 0
        $third.Count | Should -Be $first.Count
    }

    It 'completes nothing and raises no error when the tenant fails' {
        $global:PscrCompletionTenant = Connect-TestTenant -Emulator $emulator
        Invoke-EmulatorAdmin -Emulator $emulator -Method Put -Path 'faults' -Body @(@{ match = 'GET /api/v2/clients'; kind = 'reset' }) | Out-Null
        $Error.Clear()

        $matches = Get-Completion 'Get-ClientCredential -Connection $PscrCompletionTenant -ClientId emulator-sam'

        @($matches.CompletionText) | Should -Not -Contain 'emulator-sample-m2m'
        $Error.Count | Should -Be 0
    }
}

Describe '-ConnectionId completion' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'offers the oidc and okta connections of <Name>, not the database one' -ForEach @(
        @{ Name = 'Get-ConnectionKey' }
        @{ Name = 'New-ConnectionKey' }
        @{ Name = 'Invoke-ConnectionKeyRotation' }
    ) {
        $matches = Get-Completion "$Name -ConnectionId "

        @($matches.CompletionText | Sort-Object) | Should -Be @('con_oidcSample00001', 'con_oktaSample00001')
        @($matches | Where-Object CompletionText -eq 'con_oidcSample00001')[0].ToolTip | Should -BeLike 'oidc-private-key-jwt (oidc)*'
    }

    It 'matches a connection by its name too' {
        $matches = Get-Completion 'Get-ConnectionKey -ConnectionId okta-'

        @($matches.CompletionText) | Should -Be @('con_oktaSample00001')
    }
}

Describe '-Algorithm completion' {
    It 'offers <Expected> on <Line>' -ForEach @(
        @{ Line = 'New-RotationKey -Algorithm '; Expected = @('EdDSA', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512') }
        @{ Line = 'Import-RotationKey -Algorithm ES'; Expected = @('ES256', 'ES384', 'ES512') }
        @{ Line = 'Start-ClientCredentialRotation -Algorithm '; Expected = @('EdDSA', 'ES256', 'PS256', 'RS256', 'RS384') }
        @{ Line = 'Invoke-ClientCredentialRotation -Algorithm '; Expected = @('EdDSA', 'ES256', 'PS256', 'RS256', 'RS384') }
        @{ Line = 'Invoke-DfnsKeyRotation -Algorithm '; Expected = @('EdDSA', 'ES256', 'RS256') }
        @{ Line = 'New-ConnectionKey -SigningAlgorithm '; Expected = @('ES256', 'ES384', 'PS256', 'PS384', 'RS256', 'RS384', 'RS512') }
        @{ Line = 'Invoke-ConnectionKeyRotation -SigningAlgorithm P'; Expected = @('PS256', 'PS384') }
    ) {
        $matches = Get-Completion $Line

        @($matches.CompletionText | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }
}
