#Requires -Version 5.1
# Pester 5 tests for Get-ExpiringCredential, run against the built module and the emulator (a child
# process, see TestHelpers.ps1). The expiries are set through the module (Set-ClientCredential).
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $k = @{}
    foreach ($name in @('Soon', 'Later', 'Late', 'Never', 'Gone')) {
        $k[$name] = New-RotationKey -Name ('expiry-' + $name)
    }
    $clients = @(
        (New-TestClientSeed -ClientId 'exp-soon' -Name 'Expires soon' -Attached @($k.Soon) -Stored @($k.Gone)),
        (New-TestClientSeed -ClientId 'exp-later' -Name 'Expires later' -Attached @($k.Later)),
        (New-TestClientSeed -ClientId 'exp-late' -Name 'Expires late' -Attached @($k.Late)),
        (New-TestClientSeed -ClientId 'exp-never' -Name 'Never expires' -Attached @($k.Never)),
        (New-TestClientSeed -ClientId 'exp-secret' -Name 'On a secret' -Secret 'expiry-secret-value-change-me')
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null

    $now = [DateTimeOffset]::UtcNow
    Set-ClientCredential -ClientId 'exp-soon' -Kid $k.Soon.Kid -ExpiresAt $now.AddDays(5).AddHours(12) -Confirm:$false
    Set-ClientCredential -ClientId 'exp-later' -Kid $k.Later.Kid -ExpiresAt $now.AddDays(20).AddHours(12) -Confirm:$false
    Set-ClientCredential -ClientId 'exp-late' -Kid $k.Late.Kid -ExpiresAt $now.AddDays(60).AddHours(12) -Confirm:$false
    # The detached key expires in minutes: it is listed with 0 days left.
    Set-ClientCredential -ClientId 'exp-soon' -Kid $k.Gone.Kid -ExpiresAt $now.AddMinutes(2) -Confirm:$false
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'Get-ExpiringCredential' {
    It 'lists the credentials expiring within 30 days by default, soonest first, with days left' {
        $found = @(Get-ExpiringCredential)

        ($found | ForEach-Object { $_.ClientId + ':' + $_.Kid }) -join ',' | Should -BeExactly (@(
                'exp-soon:' + $k.Gone.Kid
                'exp-soon:' + $k.Soon.Kid
                'exp-later:' + $k.Later.Kid
            ) -join ',')
        ($found | ForEach-Object { $_.DaysLeft }) -join ',' | Should -BeExactly '0,5,20'
        $found[1].Source.ToString() | Should -BeExactly 'ClientCredential'
        $found[1].Attached | Should -BeTrue
        $found[0].Attached | Should -BeFalse
    }

    It 'takes -Within as a number of days or as a TimeSpan' {
        @(Get-ExpiringCredential -Within 10).Count | Should -Be 2
        @(Get-ExpiringCredential -Within (New-TimeSpan -Days 90)).Count | Should -Be 4
        @(Get-ExpiringCredential 1).Count | Should -Be 1
    }

    It 'filters by -Source' {
        @(Get-ExpiringCredential -Within 30 -Source ClientCredential).Count | Should -Be 3
    }

    It 'gives flat objects for Export-Csv' {
        $csv = Join-Path $TestDrive 'expiring.csv'
        Get-ExpiringCredential -Within 30 | Export-Csv -Path $csv -NoTypeInformation
        $rows = @(Import-Csv -Path $csv)

        $rows.Count | Should -Be 3
        $rows[0].PSObject.Properties.Name | Should -Contain 'DaysLeft'
        $rows[0].PSObject.Properties.Name | Should -Contain 'ExpiresAt'
        $rows[2].ClientId | Should -BeExactly 'exp-later'
    }

    It 'refuses a negative window with ExpiryWindowInvalid' {
        $err = Get-FirstError { Get-ExpiringCredential -Within -1 }

        $err.FullyQualifiedErrorId | Should -BeLike 'ExpiryWindowInvalid,*'
    }

    It 'fails with NotConnected without a connection' {
        $err = Get-ErrorWhenNotConnected -Emulator $emulator -Command { Get-ExpiringCredential }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'changes nothing on the server' {
        $before = Get-EmulatorSnapshot -Emulator $emulator

        Get-ExpiringCredential -Within 365 | Out-Null

        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }
}
