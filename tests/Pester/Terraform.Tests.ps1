#Requires -Version 5.1
# Pester 5 tests for ConvertTo-TerraformClientCredential against the built module and the emulator
# (a child process, see TestHelpers.ps1). When terraform is on the PATH, the output is also checked
# by terraform itself (fmt -check, and console for the PEM value).

BeforeDiscovery {
    $noTerraform = $null -eq (Get-Command terraform -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $keyA = New-RotationKey -Name 'pester-tf-a'
    $keyB = New-RotationKey -Name 'pester-tf-b'
    $spare = New-RotationKey -Name 'pester-tf-spare'
    $clients = @(
        (New-TestClientSeed -ClientId 'pester-tf-pkj' -Name 'Pester TF "billing" ${x}' -Attached @($keyA, $keyB) -Stored @($spare)),
        (New-TestClientSeed -ClientId 'pester-tf-secret' -Name 'Pester TF secret' -Secret 'pester-tf-secret-value-0123456789'),
        (New-TestClientSeed -ClientId 'pester-tf-one' -Name 'Pester TF one' -Attached @($keyA))
    )
    $seedPath = New-TestSeedFile -Clients $clients -Path (Join-Path $TestDrive 'seed.json')
    $emulator = Start-TestEmulator -SeedPath $seedPath
    Connect-TestTenant -Emulator $emulator -AsDefault | Out-Null
    $terraform = Get-Command terraform -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
}

AfterAll {
    Stop-TestEmulator -Emulator $emulator
}

Describe 'ConvertTo-TerraformClientCredential' {
    It 'writes an import block and one credentials block per attached key with its public PEM' {
        $hcl = ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -Key $keyA, $keyB

        $hcl | Should -BeOfType [string]
        $hcl | Should -Match '(?s)import \{\n  to = auth0_client_credentials\.pester_tf_billing_x\n  id = "pester-tf-pkj"\n\}'
        $hcl | Should -Match 'authentication_method = "private_key_jwt"'
        ([regex]::Matches($hcl, '    credentials \{')).Count | Should -Be 2
        $hcl | Should -BeLike ('*' + ($keyA.PublicKeyPem -replace '\r\n', "`n").Trim() + '*')
        $hcl | Should -BeLike ('*' + ($keyB.PublicKeyPem -replace '\r\n', "`n").Trim() + '*')
        $hcl | Should -BeLike ('*' + $spare.Kid + '*')
        $hcl | Should -Not -Match 'PRIVATE KEY'
        foreach ($line in (Get-PrivateKeyLines -Key $keyA)) {
            $hcl.Contains($line) | Should -BeFalse
        }
    }

    It 'writes file() references for keys it was not given, and names them in -Verbose' {
        $verbose = ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -Key $keyA -PemDirectory pems -Verbose 4>&1
        $hcl = @($verbose | Where-Object { $_ -is [string] })[0]
        $messages = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

        $hcl | Should -BeLike ('*pem             = file("${path.module}/pems/' + $keyB.Kid + '.pem")*')
        ($messages -join "`n") | Should -BeLike ("*kid '" + $keyB.Kid + "'*")
        ($messages -join "`n") | Should -Match 'GET /api/v2/clients/pester-tf-pkj/credentials → 200'
    }

    It 'takes Get-ClientCredential output and converts each client once' {
        $hcl = @(Get-ClientCredential -ClientId 'pester-tf-pkj' | ConvertTo-TerraformClientCredential)

        $hcl.Count | Should -Be 1
    }

    It 'takes Get-Auth0Client output and names each resource after its client' {
        $hcl = @(Get-Auth0Client -ClientId 'pester-tf-pkj', 'pester-tf-one', 'pester-tf-secret' | ConvertTo-TerraformClientCredential -NoImport)

        $hcl.Count | Should -Be 3
        ($hcl -join "`n") | Should -Not -Match 'import \{'
        ($hcl -join "`n") | Should -Match 'resource "auth0_client_credentials" "pester_tf_one"'
        ($hcl -join "`n") | Should -Not -Match 'pester-tf-secret-value'
    }

    It 'writes all clients to -OutFile, refuses to replace it without -Force, and writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'creds.tf'

        ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -OutFile $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse

        $file = ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj', 'pester-tf-one' -Key $keyA -OutFile $path
        $file | Should -BeOfType [System.IO.FileInfo]
        (Get-Content -LiteralPath $path -Raw) | Should -Match 'resource "auth0_client_credentials" "pester_tf_one"'

        $err = Get-FirstError { ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -OutFile $path }
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportFileExists,*'
        ConvertTo-TerraformClientCredential -ClientId 'pester-tf-one' -OutFile $path -Force | Out-Null
        (Get-Content -LiteralPath $path -Raw) | Should -Not -Match 'pester_tf_billing'
    }

    It 'refuses an invalid -ResourceName before reading anything' {
        $err = Get-FirstError { ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -ResourceName '9 lives' }

        $err.FullyQualifiedErrorId | Should -BeLike 'TerraformResourceNameInvalid,*'
    }

    It 'reports an unknown client as ClientNotFound' {
        $err = Get-FirstError { ConvertTo-TerraformClientCredential -ClientId 'no-such-client' }

        $err.FullyQualifiedErrorId | Should -BeLike 'ClientNotFound,*'
    }

    It 'changes nothing on the tenant' {
        $before = Get-EmulatorSnapshot -Emulator $emulator
        ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj', 'pester-tf-secret' | Out-Null
        Get-EmulatorSnapshot -Emulator $emulator | Should -BeExactly $before
    }

    It 'is formatted as terraform fmt wants and its PEM reads back unchanged in terraform' -Skip:$noTerraform {
        $dir = Join-Path $TestDrive 'tf'
        New-Item -ItemType Directory -Path $dir | Out-Null
        ConvertTo-TerraformClientCredential -ClientId 'pester-tf-pkj' -Key $keyA, $keyB -OutFile (Join-Path $dir 'main.tf') | Out-Null

        & $terraform.Source "-chdir=$dir" fmt -check -diff 2>$null | Out-String | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 0

        # The same heredoc as a local value, evaluated by terraform: exactly the public PEM.
        $text = Get-Content -LiteralPath (Join-Path $dir 'main.tf') -Raw
        $heredoc = [regex]::Match($text, '(?s)pem += (<<EOT\n.*?\nEOT\n)').Groups[1].Value
        $consoleDir = Join-Path $TestDrive 'console'
        New-Item -ItemType Directory -Path $consoleDir | Out-Null
        Set-Content -LiteralPath (Join-Path $consoleDir 'main.tf') -Value ("locals {`n  pem = " + $heredoc + "}`n") -NoNewline
        $value = 'jsonencode(local.pem)' | & $terraform.Source "-chdir=$consoleDir" console 2>$null | Out-String
        ($value | ConvertFrom-Json | ConvertFrom-Json) | Should -BeExactly (($keyA.PublicKeyPem -replace '\r\n', "`n").TrimEnd("`n") + "`n")
    }
}
