#Requires -Version 5.1
# Pester 5 tests for the default views (module/PsCredRotate.format.ps1xml) of the main output
# objects, against the built module and the emulator: Format-Table shows the columns a person scans
# (kid, state, attached, expiry, days left) and never a secret; the objects are the module's public
# types (what Get-Member names), not PSCustomObject.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $attachedKey = New-RotationKey -Name 'views-attached'
    $clients = @(
        (New-TestClientSeed -ClientId 'views-client' -Name 'Views client' -Attached @($attachedKey)),
        (New-TestClientSeed -ClientId 'views-secret' -Name 'Views secret client' -Secret 'views-secret-value-change-me')
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    # And an oidc connection with private_key_jwt (the emulator gives it a current and a next key).
    $seed = Get-Content -LiteralPath $seedPath -Raw | ConvertFrom-Json
    $seed | Add-Member -NotePropertyName connections -NotePropertyValue @([ordered]@{
            id       = 'con_viewsOidc000001'
            name     = 'views-oidc'
            strategy = 'oidc'
            options  = [ordered]@{ token_endpoint_auth_method = 'private_key_jwt'; client_id = 'upstream-client' }
        })
    ConvertTo-Json -InputObject $seed -Depth 10 | Set-Content -LiteralPath $seedPath -Encoding UTF8
    $emulator = Start-TestEmulator -SeedPath $seedPath
    $tenant = Connect-TestTenant -Emulator $emulator -AsDefault

    # The table as a wide console shows it (a non-interactive host formats for 80 columns otherwise).
    function Get-Table {
        param([Parameter(ValueFromPipeline = $true)] $InputObject)
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end { return ($all | Format-Table | Out-String -Width 300) }
    }

    # The header line's labels, in order.
    function Get-TableHeader {
        param([string] $Table)
        $lines = @($Table -split '\r?\n' | Where-Object { $_.Trim().Length -gt 0 })
        $rule = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l.Trim() -match '^-[- ]*$' })
        return @($lines[$rule - 1].Trim() -split '\s+')
    }

    # The text of one column (by label) in the first data row: from the label's start to the next label's.
    function Get-TableCell {
        param([string] $Table, [string] $Label)
        $lines = @($Table -split '\r?\n' | Where-Object { $_.Trim().Length -gt 0 })
        $rule = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l.Trim() -match '^-[- ]*$' })
        $header = $lines[$rule - 1]
        $starts = @([regex]::Matches($header, '\S+') | ForEach-Object { $_.Index })
        $start = @([regex]::Matches($header, '\S+') | Where-Object { $_.Value -ceq $Label })[0].Index
        $next = @($starts | Where-Object { $_ -gt $start })
        $row = $lines[$rule + 1]
        $end = if ($next.Count -gt 0) { [Math]::Min($next[0], $row.Length) } else { $row.Length }
        return $row.Substring($start, $end - $start).Trim()
    }
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Table views' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'shows a client''s credentials by kid, attachment, expiry and days left' {
        $expires = [DateTimeOffset]::UtcNow.AddDays(30).AddHours(1)
        $added = New-RotationKey -Name 'views-stored' | Add-ClientCredential -ClientId 'views-client' -ExpiresAt $expires
        $table = Get-ClientCredential -ClientId 'views-client' | Where-Object Kid -eq $added.Kid | Get-Table

        Get-TableHeader $table | Should -Be @('ClientId', 'Kid', 'Attached', 'Algorithm', 'ExpiresAt', 'DaysLeft', 'Name')
        Get-TableCell $table 'Kid' | Should -BeExactly $added.Kid
        Get-TableCell $table 'Attached' | Should -Be 'False'
        Get-TableCell $table 'ExpiresAt' | Should -BeExactly ($expires.UtcDateTime.ToString('yyyy-MM-dd HH:mm') + 'Z')
        Get-TableCell $table 'DaysLeft' | Should -Be '30'
    }

    It 'shows a key''s kid, algorithm, size and certificate expiry without key material' {
        $key = New-RotationKey -Name 'views-key' -Certificate -NotAfter ([DateTimeOffset]::UtcNow.AddDays(90).AddHours(1))
        $table = $key | Get-Table

        Get-TableHeader $table | Should -Be @('Kid', 'Algorithm', 'KeyType', 'Size', 'HasPrivateKey', 'NotAfter', 'DaysLeft', 'Name')
        Get-TableCell $table 'DaysLeft' | Should -Be '90'
        $table | Should -Not -Match 'PRIVATE KEY'
        foreach ($line in Get-PrivateKeyLines -Key $key) {
            $table.Contains($line) | Should -BeFalse
        }
    }

    It 'shows a rotation''s phase and kids without the new private key' {
        $rotation = Start-ClientCredentialRotation -ClientId 'views-client' -Audience $TestApi
        $table = $rotation | Get-Table

        Get-TableHeader $table | Should -Be @('ClientId', 'Phase', 'Verified', 'NewKid', 'RetiringKids')
        Get-TableCell $table 'NewKid' | Should -BeExactly $rotation.NewKid
        $table | Should -Not -Match 'PRIVATE KEY'
        foreach ($line in Get-PrivateKeyLines -Key $rotation.NewKey) {
            $table.Contains($line) | Should -BeFalse
        }
    }

    It 'shows the expiry inventory with days left first' {
        New-RotationKey | Add-ClientCredential -ClientId 'views-client' -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(5).AddHours(1)) | Out-Null
        $table = Get-ExpiringCredential -Within 10 | Get-Table

        Get-TableHeader $table | Should -Be @('DaysLeft', 'ExpiresAt', 'Source', 'Owner', 'Kid')
        Get-TableCell $table 'DaysLeft' | Should -Be '5'
    }

    It 'shows signing keys by kid, state and dates' {
        $table = Get-SigningKey | Get-Table

        Get-TableHeader $table | Should -Be @('Kid', 'State', 'CurrentSince', 'CurrentUntil', 'RevokedAt', 'DaysLeft')
        $current = @(Get-SigningKey | Where-Object State -eq 'Current')[0]
        $table | Should -Match 'Current'
        # The whole kid (54 characters at Auth0), not cut short.
        $table.Contains($current.Kid) | Should -BeTrue
        $table | Should -Not -Match 'BEGIN CERTIFICATE'
    }

    It 'shows connection keys by kid, state and certificate expiry without the certificate' {
        $table = Get-ConnectionKey -ConnectionId 'con_viewsOidc000001' | Get-Table

        Get-TableHeader $table | Should -Be @('ConnectionId', 'Kid', 'State', 'Algorithm', 'NotAfter', 'DaysLeft', 'Thumbprint')
        Get-TableCell $table 'DaysLeft' | Should -Match '^\d+$'
        $table | Should -Not -Match 'BEGIN CERTIFICATE'
    }

    It 'shows clients by name, id, method and attached count' {
        $table = Get-Auth0Client -ClientId 'views-client' | Get-Table

        Get-TableHeader $table | Should -Be @('Name', 'ClientId', 'AppType', 'AuthenticationMethod', 'Attached')
        Get-TableCell $table 'Attached' | Should -Be '1'
    }

    It 'shows a secret rotation without the secret' {
        $rotation = Invoke-ClientSecretRotation -ClientId 'views-secret' -Confirm:$false -WarningAction SilentlyContinue
        $table = $rotation | Get-Table
        $plain = [System.Net.NetworkCredential]::new('', $rotation.ClientSecret).Password

        Get-TableHeader $table | Should -Be @('ClientId', 'Name', 'RotatedAt', 'SecretIn')
        $plain.Length | Should -BeGreaterThan 20
        $table.Contains($plain) | Should -BeFalse
        $table.Contains('views-secret-value-change-me') | Should -BeFalse
    }

    It 'shows a tenant connection without its token' {
        $table = $tenant | Get-Table

        Get-TableHeader $table | Should -Be @('Domain', 'ClientId', 'AuthenticationMethod', 'TokenExpiresAt')
        $table | Should -Not -Match $JwtPattern
        $table.Contains($TestManagementSecret) | Should -BeFalse
    }

    It 'shows a client assertion without the signed token' {
        $assertion = New-ClientAssertion -Key $attachedKey -ClientId 'views-client' -Audience 'https://example.com/'
        $table = $assertion | Get-Table

        Get-TableHeader $table | Should -Be @('ClientId', 'Kid', 'Algorithm', 'ExpiresAt')
        $table | Should -Not -Match $JwtPattern
    }
}

Describe 'Output types' {
    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It '<Command> writes <Type>, which Get-Member names' -ForEach @(
        @{ Command = 'Get-ClientCredential'; Type = 'PsCredRotate.Core.Rotation.ClientCredential'; Run = { Get-ClientCredential -ClientId 'views-client' } }
        @{ Command = 'Get-Auth0Client'; Type = 'PsCredRotate.Core.Auth0.Auth0Client'; Run = { Get-Auth0Client -ClientId 'views-client' } }
        @{ Command = 'New-RotationKey'; Type = 'PsCredRotate.Core.Keys.RotationKey'; Run = { New-RotationKey -Algorithm ES256 } }
        @{ Command = 'Get-SigningKey'; Type = 'PsCredRotate.Core.SigningKeys.SigningKey'; Run = { Get-SigningKey } }
        @{ Command = 'Get-ConnectionKey'; Type = 'PsCredRotate.Core.ConnectionKeys.ConnectionKey'; Run = { Get-ConnectionKey -ConnectionId 'con_viewsOidc000001' } }
        @{ Command = 'Get-ExpiringCredential'; Type = 'PsCredRotate.Core.Inventory.ExpiringCredential'; Run = { New-RotationKey | Add-ClientCredential -ClientId 'views-client' -ExpiresAt ([DateTimeOffset]::UtcNow.AddDays(3)) | Out-Null; Get-ExpiringCredential -Within 10 } }
        @{ Command = 'Start-ClientCredentialRotation'; Type = 'PsCredRotate.Core.Rotation.ClientCredentialRotation'; Run = { Start-ClientCredentialRotation -ClientId 'views-client' -Audience $TestApi } }
    ) {
        $objects = @(& $Run)

        $objects.Count | Should -BeGreaterThan 0
        $objects[0].PSObject.TypeNames[0] | Should -BeExactly $Type
        @($objects | Get-Member -MemberType Property)[0].TypeName | Should -BeExactly $Type
        (Get-Command $Command).OutputType.Name | Should -Contain $Type
    }
}
