#Requires -Version 5.1
# Pester 5 tests for Connect/Disconnect-OidcClientRegistration and the generic client credential
# cmdlets against a real OpenID provider: tests/interop/oidc-provider-server.mjs (oidc-provider,
# pinned) as a child process on a free loopback port, with dynamic registration and registration
# management (the registration access token rotated on every update). Needs node and
# `npm ci --prefix tests/interop`. What the server holds is read with the registration API itself.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $interop = Join-Path $PSScriptRoot '../interop'
    if (-not (Test-Path -LiteralPath (Join-Path $interop 'node_modules/oidc-provider'))) {
        throw 'oidc-provider is not installed: run npm ci --prefix tests/interop.'
    }

    $outFile = Join-Path $TestDrive 'oidc-provider.out'
    $errFile = Join-Path $TestDrive 'oidc-provider.err'
    $node = Start-Process -FilePath 'node' -ArgumentList 'oidc-provider-server.mjs' -WorkingDirectory $interop -RedirectStandardOutput $outFile -RedirectStandardError $errFile -PassThru -NoNewWindow
    $deadline = (Get-Date).AddSeconds(30)
    $script:Issuer = $null
    while ($null -eq $script:Issuer) {
        if ((Get-Date) -gt $deadline -or $node.HasExited) {
            throw "oidc-provider-server.mjs did not start: $(Get-Content -Raw -LiteralPath $errFile -ErrorAction SilentlyContinue)"
        }
        $ready = Get-Content -LiteralPath $outFile -ErrorAction SilentlyContinue | Where-Object { $_ -like 'ready *' } | Select-Object -First 1
        if ($ready) {
            $script:Issuer = $ready.Substring(6).Trim()
        }
        else {
            Start-Sleep -Milliseconds 100
        }
    }

    # Registers a client_credentials client with private_key_jwt and the given keys in jwks.
    function Register-TestClient {
        param([object[]] $Keys, [string] $Method = 'private_key_jwt')
        $jwks = @($Keys | ForEach-Object { Export-RotationKey -Key $_ -PublicOnly -Format Jwk | ConvertFrom-Json })
        $body = @{
            client_name                = 'pester-oidc'
            grant_types                = @('client_credentials')
            response_types             = @()
            redirect_uris              = @()
            token_endpoint_auth_method = $Method
        }
        if ($jwks.Count -gt 0) {
            $body.jwks = @{ keys = $jwks }
        }
        $answer = Invoke-RestMethod -Method Post -Uri "$script:Issuer/reg" -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $body -Depth 6)
        [pscustomobject]@{
            ClientId = $answer.client_id
            Uri      = [uri]$answer.registration_client_uri
            Token    = (ConvertTo-SecureString -String $answer.registration_access_token -AsPlainText -Force)
            Plain    = $answer.registration_access_token
        }
    }

    # The client's metadata as the server holds it (the token member left out), for "nothing changed".
    function Get-TestClientMetadata {
        param($Client, [securestring] $Token)
        $plain = [System.Net.NetworkCredential]::new('', $Token).Password
        $answer = Invoke-RestMethod -Uri $Client.Uri -Headers @{ Authorization = "Bearer $plain" }
        $answer.PSObject.Properties.Remove('registration_access_token')
        return (ConvertTo-Json -InputObject $answer -Depth 8 -Compress)
    }

    function Get-TestClientKid {
        param($Client, [securestring] $Token)
        $metadata = Get-TestClientMetadata -Client $Client -Token $Token | ConvertFrom-Json
        return @($metadata.jwks.keys | ForEach-Object { $_.kid })
    }
}

AfterAll {
    Disconnect-OidcClientRegistration -ErrorAction SilentlyContinue
    if ($node -and -not $node.HasExited) {
        Stop-Process -Id $node.Id -Force
    }
}

Describe 'Connect-OidcClientRegistration' {
    It 'reads the client, discovers the token endpoint and becomes the session default' {
        $old = New-RotationKey
        $client = Register-TestClient -Keys @($old)

        $oidc = Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token
        $credentials = @(Get-ClientCredential -ClientId $client.ClientId)

        $oidc.GetType().FullName | Should -BeExactly 'PsCredRotate.Core.Oidc.OidcConnection'
        $oidc.ClientId | Should -BeExactly $client.ClientId
        $oidc.TokenEndpoint.AbsoluteUri | Should -BeExactly "$script:Issuer/token"
        $credentials.Count | Should -Be 1
        $credentials[0].Kid | Should -BeExactly $old.Kid
        $credentials[0].Id | Should -BeExactly $old.Kid
        $credentials[0].Attached | Should -BeTrue
        $credentials[0].Provider | Should -BeExactly 'Oidc'
    }

    It 'refuses a bad registration token with OidcRegistrationTokenInvalid and changes nothing' {
        $client = Register-TestClient -Keys @(New-RotationKey)
        $before = Get-TestClientMetadata -Client $client -Token $client.Token
        $bad = ConvertTo-SecureString -String 'not-the-registration-token' -AsPlainText -Force

        $err = Get-FirstError { Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $bad -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'OidcRegistrationTokenInvalid,*'
        Get-TestClientMetadata -Client $client -Token $client.Token | Should -BeExactly $before
    }

    It 'never shows the registration token in any stream' {
        $client = Register-TestClient -Keys @(New-RotationKey)

        $text = Get-AllOutputText { Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token -NoDefault }

        $text | Should -Match ([regex]::Escape($client.ClientId))
        $text | Should -Not -Match ([regex]::Escape($client.Plain))
    }
}

Describe 'Client credential cmdlets with an OpenID client registration' {
    It 'Invoke-ClientCredentialRotation swaps the key, verifies it and keeps the rotated registration token' {
        $old = New-RotationKey
        $client = Register-TestClient -Keys @($old)
        $oidc = Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token
        $keyPath = Join-Path $TestDrive ('new-' + [guid]::NewGuid().ToString('N') + '.pem')
        $deployed = Join-Path $TestDrive ('deployed-' + [guid]::NewGuid().ToString('N') + '.pem')

        $rotation = Invoke-ClientCredentialRotation -ClientId $oidc.ClientId -KeyPath $keyPath -Deploy { Copy-Item -LiteralPath $_.KeyPath -Destination $deployed } -Confirm:$false
        $new = Import-RotationKey -Path $deployed

        $rotation.Phase | Should -Be 'Completed'
        $rotation.Verified | Should -BeTrue
        $new.Kid | Should -BeExactly $rotation.NewKid
        Get-TestClientKid -Client $client -Token $oidc.RegistrationAccessToken | Should -BeExactly @($new.Kid)
        $oidc.RegistrationAccessTokenRotatedAt | Should -Not -BeNullOrEmpty
        (Test-ClientCredential -ClientId $oidc.ClientId -Key $new).Success | Should -BeTrue
        (Test-ClientCredential -ClientId $oidc.ClientId -Key $old).Success | Should -BeFalse
    }

    It 'rolls back a new key the provider refuses and the old one stays' {
        $old = New-RotationKey
        $new = New-RotationKey
        $client = Register-TestClient -Keys @($old)
        $oidc = Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token
        Invoke-RestMethod -Method Put -Uri "$script:Issuer/_test/refused-kids" -ContentType 'application/json' -Body (ConvertTo-Json @{ kids = @($new.Kid) }) | Out-Null
        try {
            $err = Get-FirstError { Start-ClientCredentialRotation -ClientId $oidc.ClientId -Key $new -Confirm:$false }
        }
        finally {
            Invoke-RestMethod -Method Put -Uri "$script:Issuer/_test/refused-kids" -ContentType 'application/json' -Body '{"kids":[]}' | Out-Null
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'RotationVerificationFailed,*'
        Get-TestClientKid -Client $client -Token $oidc.RegistrationAccessToken | Should -BeExactly @($old.Kid)
        (Test-ClientCredential -ClientId $oidc.ClientId -Key $old).Success | Should -BeTrue
    }

    It 'refuses bad input with specific ids and leaves the metadata as it was' {
        $old = New-RotationKey
        $client = Register-TestClient -Keys @($old)
        $other = Register-TestClient -Keys @(New-RotationKey)
        $oidc = Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token
        $before = Get-TestClientMetadata -Client $client -Token $oidc.RegistrationAccessToken

        (Get-FirstError { Get-ClientCredential -ClientId $other.ClientId }).FullyQualifiedErrorId | Should -BeLike 'OidcClientIdMismatch,*'
        (Get-FirstError { Remove-ClientCredential -ClientId $oidc.ClientId -CredentialId 'no-such-kid' -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'CredentialNotFound,*'
        (Get-FirstError { Remove-ClientCredential -ClientId $oidc.ClientId -CredentialId $old.Kid -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'LastAttachedCredential,*'
        (Get-FirstError { Disable-ClientCredential -ClientId $oidc.ClientId -CredentialId $old.Kid -Force -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'OidcKeyCannotBeDetached,*'
        (Get-FirstError { Invoke-ClientCredentialRotation -ClientId $oidc.ClientId -Deploy { } -KeepPrevious -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'KeepPreviousUnsupported,*'
        $planned = Invoke-ClientCredentialRotation -ClientId $oidc.ClientId -Deploy { throw 'not run under -WhatIf' } -WhatIf

        $planned.Phase | Should -Be 'Planned'
        $oidc.RegistrationAccessTokenRotatedAt | Should -BeNullOrEmpty
        Get-TestClientMetadata -Client $client -Token $oidc.RegistrationAccessToken | Should -BeExactly $before
    }

    It 'adds a key beside the old one (attached at once) and removes the old one' {
        $old = New-RotationKey
        $new = New-RotationKey -Algorithm ES256
        $client = Register-TestClient -Keys @($old)
        $oidc = Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token

        $added = $new | Add-ClientCredential -ClientId $oidc.ClientId -Confirm:$false
        $both = Get-TestClientKid -Client $client -Token $oidc.RegistrationAccessToken
        Remove-ClientCredential -ClientId $oidc.ClientId -CredentialId $old.Kid -Confirm:$false

        $added.Attached | Should -BeTrue
        $both | Should -BeExactly @($old.Kid, $new.Kid)
        Get-TestClientKid -Client $client -Token $oidc.RegistrationAccessToken | Should -BeExactly @($new.Kid)
        (Test-ClientCredential -ClientId $oidc.ClientId -Key $new).Success | Should -BeTrue
    }
}

Describe 'Disconnect-OidcClientRegistration' {
    It 'forgets the session default so the credential cmdlets fail with NotConnected' {
        $client = Register-TestClient -Keys @(New-RotationKey)
        Connect-OidcClientRegistration -RegistrationClientUri $client.Uri -RegistrationAccessToken $client.Token | Out-Null

        Disconnect-OidcClientRegistration
        $err = Get-FirstError { Get-ClientCredential -ClientId $client.ClientId }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}
