#Requires -Version 5.1
# Pester 5 tests of the steps in docs/guides/secret-to-private-key-jwt.md, against the emulator's
# sample client (emulator-sample-m2m signs in with a secret). Run it like
# Rotate-ClientCredential.Tests.ps1 (see docs/guides/pester-testing-runbooks.md).

BeforeAll {
    Import-Module $env:PSCREDROTATE_MODULE -Force
    . "$PSScriptRoot/EmulatorHelpers.ps1"
    $emulator = Start-Emulator                      # the default tenant: its sample client uses a secret
    $clientId = 'emulator-sample-m2m'
    $connection = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $EmulatorManagementClientId `
        -ClientSecret (ConvertTo-SecureString -String $EmulatorManagementSecret -AsPlainText -Force) -NoDefault

    # What a caller that still uses the secret sees.
    function Test-SecretGetsToken {
        $body = @{ grant_type = 'client_credentials'; client_id = $clientId; client_secret = 'emulator-sample-secret-change-me'; audience = $EmulatorApi }
        try {
            Invoke-RestMethod -Method Post -Uri "$($emulator.BaseUrl)/oauth/token" -Body $body | Out-Null
            return $true
        }
        catch {
            return $false
        }
    }
}

AfterAll {
    Stop-Emulator $emulator
}

Describe 'Moving a client from its secret to private_key_jwt' {
    BeforeEach {
        Reset-Emulator $emulator
        $key = New-RotationKey -Name "$clientId-key"
    }

    It 'refuses without -AllowAuthenticationMethodSwitch, even under -WhatIf, and changes nothing' {
        $before = Get-EmulatorSnapshot $emulator
        foreach ($whatIf in $true, $false) {
            $failure = $null
            try { Start-ClientCredentialRotation -ClientId $clientId -Key $key -Audience $EmulatorApi -Connection $connection -WhatIf:$whatIf -ErrorAction Stop }
            catch { $failure = $_ }
            $failure.FullyQualifiedErrorId | Should -BeLike 'ClientUsesClientSecret,*'
        }
        Get-EmulatorSnapshot $emulator | Should -BeExactly $before
        Test-SecretGetsToken | Should -BeTrue
    }

    It 'switches: the key gets a token, the secret does not, the client is on PrivateKeyJwt' {
        (Get-Auth0Client -ClientId $clientId -Connection $connection).AuthenticationMethod | Should -Be 'ClientSecretPost'

        $rotation = Start-ClientCredentialRotation -ClientId $clientId -Key $key -Audience $EmulatorApi `
            -AllowAuthenticationMethodSwitch -Connection $connection -Confirm:$false

        [string]$rotation.Phase | Should -BeExactly 'Started'
        $rotation.Verified | Should -BeTrue
        (Get-Auth0Client -ClientId $clientId -Connection $connection).AuthenticationMethod | Should -Be 'PrivateKeyJwt'
        $credentials = @(Get-ClientCredential -ClientId $clientId -Connection $connection)
        $credentials.Kid | Should -BeExactly $key.Kid
        $credentials[0].Attached | Should -BeTrue
        (Test-ClientCredential -ClientId $clientId -Key $key -Audience $EmulatorApi -Connection $connection).Success | Should -BeTrue
        Test-SecretGetsToken | Should -BeFalse

        $done = $rotation | Complete-ClientCredentialRotation -Connection $connection -Confirm:$false
        [string]$done.Phase | Should -BeExactly 'Completed'
        @($done.RetiringKids).Count | Should -Be 0
    }

    It 'undoes the switch with the rotation object, after Complete too: the same secret works again' {
        $rotation = Start-ClientCredentialRotation -ClientId $clientId -Key $key -Audience $EmulatorApi `
            -AllowAuthenticationMethodSwitch -Connection $connection -Confirm:$false
        $done = $rotation | Complete-ClientCredentialRotation -Connection $connection -Confirm:$false

        $undone = $done | Undo-ClientCredentialRotation -Connection $connection -Confirm:$false

        [string]$undone.Phase | Should -BeExactly 'Undone'
        (Get-Auth0Client -ClientId $clientId -Connection $connection).AuthenticationMethod | Should -Be 'ClientSecretPost'
        @(Get-ClientCredential -ClientId $clientId -Connection $connection).Count | Should -Be 0
        Test-SecretGetsToken | Should -BeTrue
    }

    It 'refuses to undo by kid alone after the switch: the key is the only way in' {
        Start-ClientCredentialRotation -ClientId $clientId -Key $key -Audience $EmulatorApi `
            -AllowAuthenticationMethodSwitch -Connection $connection -Confirm:$false | Out-Null
        $failure = $null

        try { Undo-ClientCredentialRotation -ClientId $clientId -NewKid $key.Kid -Connection $connection -Confirm:$false -ErrorAction Stop }
        catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike 'LastAttachedCredential,*'
        (Test-ClientCredential -ClientId $clientId -Key $key -Audience $EmulatorApi -Connection $connection).Success | Should -BeTrue
    }

    It 'stays on the secret when the tenant refuses the new key (RotationVerificationFailed)' {
        Add-EmulatorTokenRefusal $emulator -Kid $key.Kid
        $failure = $null

        try { Start-ClientCredentialRotation -ClientId $clientId -Key $key -Audience $EmulatorApi -AllowAuthenticationMethodSwitch -Connection $connection -Confirm:$false -ErrorAction Stop }
        catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        (Get-Auth0Client -ClientId $clientId -Connection $connection).AuthenticationMethod | Should -Be 'ClientSecretPost'
        Test-SecretGetsToken | Should -BeTrue
    }
}
