#Requires -Version 5.1
# Pester 5 tests for Connect-Auth0Tenant, Disconnect-Auth0Tenant and Get-Auth0Client, run against
# the built module and the emulator (a child process, see TestHelpers.ps1).
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $keyClientKey = New-RotationKey -Name 'pester-key-client'
    # A second management client that signs in with a key and may only read clients.
    $managementKey = New-RotationKey -Name 'pester-management-key'
    $secretValue = 'pester-secret-client-value-change-me'

    $clients = @(
        (New-TestClientSeed -ClientId 'pester-key-client' -Name 'Pester key client' -Attached @($keyClientKey)),
        (New-TestClientSeed -ClientId 'pester-secret-client' -Name 'Pester secret client' -Secret $secretValue),
        (New-TestClientSeed -ClientId 'pester-management-key' -Name 'Pester management by key' -Attached @($managementKey))
    )
    $web = New-TestClientSeed -ClientId 'pester-web-app' -Name 'Other web app' -Secret 'pester-web-secret-change-me'
    $web.app_type = 'regular_web'
    $clients += $web
    # More clients than one page of the Management API (100).
    for ($i = 1; $i -le 101; $i++) {
        $clients += New-TestClientSeed -ClientId ('pester-page-{0:d3}' -f $i) -Name ('Pester page {0:d3}' -f $i) -Secret ('pester-page-secret-{0:d3}' -f $i)
    }
    # The key-based management client may only read clients ('{tenant}' is the emulator's own URL).
    $readClientsOnly = @{ client_id = 'pester-management-key'; audience = '{tenant}/api/v2/'; scope = @('read:clients') }
    $seedPath = New-TestSeedFile -Clients $clients -Grants @($readClientsOnly) -Path (Join-Path $TestDrive 'seed.json')

    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
    $managementSecret = ConvertTo-SecureString -String $TestManagementSecret -AsPlainText -Force
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Connect-Auth0Tenant' {
    It 'connects with a client secret and returns the connection' {
        $connection = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault

        $connection.GetType().Name | Should -BeExactly 'Auth0Connection'
        $connection.Domain | Should -BeExactly $emulator.Domain
        $connection.ClientId | Should -BeExactly $TestManagementClientId
        $connection.AuthenticationMethod.ToString() | Should -BeExactly 'ClientSecretPost'
        $connection.Scopes | Should -Contain 'read:client_credentials'
        $connection.TokenExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
    }

    It 'connects with a private key (private_key_jwt), from a key object and from a key file' {
        $path = Join-Path $TestDrive 'management.pem'
        Export-RotationKey -Key $managementKey -Path $path | Out-Null

        $byKey = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId 'pester-management-key' -Key $managementKey -NoDefault
        $byFile = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId 'pester-management-key' -KeyPath $path -NoDefault

        $byKey.AuthenticationMethod.ToString() | Should -BeExactly 'PrivateKeyJwt'
        $byFile.AuthenticationMethod.ToString() | Should -BeExactly 'PrivateKeyJwt'
        @(Get-Auth0Client -ClientId 'pester-key-client' -Connection $byFile).Count | Should -Be 1
    }

    It 'connects from the AUTH0_* environment variables' {
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

            $connection.Domain | Should -BeExactly $emulator.Domain
            $connection.ClientId | Should -BeExactly $TestManagementClientId
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }
    }

    It 'refuses environment variables that name no secret and no key with ConnectionCredentialMissing' {
        $saved = @{}
        foreach ($name in @('AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_PRIVATE_KEY_PATH')) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        try {
            $env:AUTH0_DOMAIN = $emulator.BaseUrl
            $env:AUTH0_CLIENT_ID = $TestManagementClientId
            [Environment]::SetEnvironmentVariable('AUTH0_CLIENT_SECRET', $null)
            [Environment]::SetEnvironmentVariable('AUTH0_PRIVATE_KEY_PATH', $null)

            $err = Get-FirstError { Connect-Auth0Tenant -NoDefault }

            $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionCredentialMissing,*'
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }
    }

    It 'refuses both a secret and a key path in the environment with ConnectionCredentialAmbiguous' {
        $saved = @{}
        foreach ($name in @('AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_PRIVATE_KEY_PATH')) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        }
        try {
            $path = Join-Path $TestDrive 'ambiguous.pem'
            Export-RotationKey -Key $managementKey -Path $path -Force | Out-Null
            $env:AUTH0_DOMAIN = $emulator.BaseUrl
            $env:AUTH0_CLIENT_ID = $TestManagementClientId
            $env:AUTH0_CLIENT_SECRET = $TestManagementSecret
            $env:AUTH0_PRIVATE_KEY_PATH = $path

            $err = Get-FirstError { Connect-Auth0Tenant -NoDefault }

            $err.FullyQualifiedErrorId | Should -BeLike 'ConnectionCredentialAmbiguous,*'
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }
    }

    It 'refuses a wrong secret with AuthenticationFailed' {
        $wrong = ConvertTo-SecureString -String 'not-the-secret' -AsPlainText -Force

        $err = Get-FirstError { Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $wrong -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
    }

    It 'refuses plain http to a host that is not loopback with InsecureTransport' {
        $err = Get-FirstError { Connect-Auth0Tenant -Domain 'http://example-tenant.eu.auth0.com' -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'InsecureTransport,*'
    }

    It 'refuses a domain that is not a host name with DomainInvalid' {
        $err = Get-FirstError { Connect-Auth0Tenant -Domain 'not a domain!' -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault }

        $err.FullyQualifiedErrorId | Should -BeLike 'DomainInvalid,*'
    }

    It 'makes the connection the session default unless -NoDefault' {
        try {
            Disconnect-Auth0Tenant
            Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault | Out-Null

            $err = Get-FirstError { Get-Auth0Client -ClientId 'pester-key-client' }
            Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $managementSecret | Out-Null
            $client = Get-Auth0Client -ClientId 'pester-key-client'

            $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
            $client.ClientId | Should -BeExactly 'pester-key-client'
        }
        finally {
            Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
        }
    }

    It 'shows neither the secret nor a token in any output stream' {
        $text = Get-AllOutputText { Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault -Verbose }
        $wrong = ConvertTo-SecureString -String 'wrong-secret-for-the-leak-test' -AsPlainText -Force
        $errorText = Get-AllOutputText { Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $wrong -NoDefault -Verbose -ErrorAction Continue }

        $text | Should -Match ([regex]::Escape($emulator.Domain))
        $text.Contains($TestManagementSecret) | Should -BeFalse
        $text | Should -Not -Match $JwtPattern
        $errorText | Should -Match 'AuthenticationFailed'
        $errorText.Contains('wrong-secret-for-the-leak-test') | Should -BeFalse
    }
}

Describe 'Disconnect-Auth0Tenant' {
    It 'forgets the session default, so later calls fail with NotConnected' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-Auth0Client -ClientId 'pester-key-client' }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'disconnects a given connection and leaves the session default' {
        $other = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId $TestManagementClientId -ClientSecret $managementSecret -NoDefault

        $out = Disconnect-Auth0Tenant -Connection $other

        $out | Should -BeNullOrEmpty
        (Get-Auth0Client -ClientId 'pester-key-client').ClientId | Should -BeExactly 'pester-key-client'
    }

    It 'fails with NotConnected when there is no default to disconnect' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Disconnect-Auth0Tenant }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }
}

Describe 'Get-Auth0Client' {
    It 'pages through every client of the tenant' {
        $all = @(Get-Auth0Client)
        $ids = @($all | ForEach-Object { $_.ClientId })

        # 105 seeded clients and the emulator's management client.
        $all.Count | Should -Be 106
        $ids | Should -Contain 'pester-page-101'
        $ids | Should -Contain $TestManagementClientId
    }

    It 'reads one client by id with its authentication method and attached credentials' {
        $client = @(Get-Auth0Client -ClientId 'pester-key-client')

        $client.Count | Should -Be 1
        $client[0].GetType().Name | Should -BeExactly 'Auth0Client'
        $client[0].Name | Should -BeExactly 'Pester key client'
        $client[0].AppType | Should -BeExactly 'non_interactive'
        $client[0].AuthenticationMethod.ToString() | Should -BeExactly 'PrivateKeyJwt'
        @($client[0].AttachedCredentialIds).Count | Should -Be 1
    }

    It 'filters by name with wildcards' {
        $names = @(Get-Auth0Client -Name 'pester * client' | ForEach-Object { $_.Name } | Sort-Object)

        ($names -join ',') | Should -BeExactly 'Pester key client,Pester secret client'
    }

    It 'filters by app type' {
        $ids = @(Get-Auth0Client -AppType 'regular_web' | ForEach-Object { $_.ClientId })

        ($ids -join ',') | Should -BeExactly 'pester-web-app'
    }

    It 'filters by authentication method' {
        $keyed = @(Get-Auth0Client -AuthenticationMethod PrivateKeyJwt | ForEach-Object { $_.ClientId } | Sort-Object)
        $secret = @(Get-Auth0Client -AuthenticationMethod ClientSecretPost -Name 'Pester*' | ForEach-Object { $_.ClientId })

        ($keyed -join ',') | Should -BeExactly 'pester-key-client,pester-management-key'
        $secret | Should -Contain 'pester-secret-client'
        $secret | Should -Not -Contain 'pester-key-client'
    }

    It 'reports an unknown client with ClientNotFound' {
        $err = Get-FirstError { Get-Auth0Client -ClientId 'no-such-client' }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
        $err.CategoryInfo.Category.ToString() | Should -BeExactly 'ObjectNotFound'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-Auth0Client }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'sends its ClientId down the pipeline to Get-ClientCredential' {
        $credentials = @(Get-Auth0Client -Name 'Pester key client' | Get-ClientCredential)

        $credentials.Count | Should -Be 1
        $credentials[0].ClientId | Should -BeExactly 'pester-key-client'
        $credentials[0].Kid | Should -BeExactly $keyClientKey.Kid
    }

    It 'names the missing scope with InsufficientScope when the token lacks it' {
        $limited = Connect-Auth0Tenant -Domain $emulator.BaseUrl -ClientId 'pester-management-key' -Key $managementKey -NoDefault

        $err = Get-FirstError { Get-ClientCredential -ClientId 'pester-key-client' -Connection $limited }

        $err.FullyQualifiedErrorId | Should -BeLike 'InsufficientScope,*'
        $err.CategoryInfo.Category.ToString() | Should -BeExactly 'PermissionDenied'
        $err.Exception.Message | Should -Match 'read:client_credentials'
    }

    It 'never shows a client secret' {
        $text = Get-AllOutputText { Get-Auth0Client -Name 'Pester secret client' -Verbose }

        $text | Should -Match 'pester-secret-client'
        $text.Contains($secretValue) | Should -BeFalse
    }
}
