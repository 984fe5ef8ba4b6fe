#Requires -Version 5.1
# Pester 5 tests for the key cmdlets, run against the built module (out/PsCredRotate).
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    $modulePath = $env:PSCREDROTATE_MODULE
    if ([string]::IsNullOrEmpty($modulePath)) {
        $modulePath = Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'
    }
    Import-Module -Name $modulePath -Force -ErrorAction Stop

    # Windows PowerShell 5.1 has no $IsWindows; it only runs on Windows.
    $OnUnix = ($PSVersionTable.PSEdition -eq 'Core') -and (-not $IsWindows)

    # Runs a command and returns the first error it raises, or $null. Non-terminating errors
    # become terminating under 'Stop', and the caught record keeps their FullyQualifiedErrorId.
    function Get-FirstError {
        param([scriptblock] $Command)
        $ErrorActionPreference = 'Stop'
        try {
            & $Command | Out-Null
        }
        catch {
            return $_
        }
        return $null
    }

    function ConvertFrom-Base64Url {
        param([string] $Text)
        $s = $Text.Replace('-', '+').Replace('_', '/')
        switch ($s.Length % 4) {
            2 { $s = $s + '==' }
            3 { $s = $s + '=' }
        }
        return [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($s))
    }
}

Describe 'New-RotationKey' {
    It 'generates a <Algorithm> key whose kid is a 43-character base64url thumbprint' -ForEach @(
        @{ Algorithm = 'RS256'; KeyType = 'RSA' }
        @{ Algorithm = 'RS384'; KeyType = 'RSA' }
        @{ Algorithm = 'RS512'; KeyType = 'RSA' }
        @{ Algorithm = 'PS256'; KeyType = 'RSA' }
        @{ Algorithm = 'PS384'; KeyType = 'RSA' }
        @{ Algorithm = 'PS512'; KeyType = 'RSA' }
        @{ Algorithm = 'ES256'; KeyType = 'EC' }
        @{ Algorithm = 'ES384'; KeyType = 'EC' }
        @{ Algorithm = 'ES512'; KeyType = 'EC' }
        @{ Algorithm = 'EdDSA'; KeyType = 'OKP' }
    ) {
        $key = New-RotationKey -Algorithm $Algorithm

        $key.Kid | Should -MatchExactly '^[A-Za-z0-9_-]{43}$'
        $key.Algorithm.ToString() | Should -BeExactly $Algorithm
        $key.KeyType.ToString() | Should -BeExactly $KeyType
        $key.HasPrivateKey | Should -BeTrue
        $key.PublicKeyPem | Should -BeLike '-----BEGIN PUBLIC KEY-----*'
    }

    It 'makes RS256 2048-bit keys by default' {
        $key = New-RotationKey

        $key.Algorithm.ToString() | Should -BeExactly 'RS256'
        $key.KeySize | Should -Be 2048
    }

    It 'makes an RSA key of <Size> bits when asked' -ForEach @(
        @{ Size = 3072 }
        @{ Size = 4096 }
    ) {
        $key = New-RotationKey -KeySize $Size

        $key.KeySize | Should -Be $Size
    }

    It 'names the curve of <Algorithm> keys' -ForEach @(
        @{ Algorithm = 'ES256'; Curve = 'P-256' }
        @{ Algorithm = 'ES384'; Curve = 'P-384' }
        @{ Algorithm = 'ES512'; Curve = 'P-521' }
        @{ Algorithm = 'EdDSA'; Curve = 'Ed25519' }
    ) {
        $key = New-RotationKey -Algorithm $Algorithm

        $key.Curve | Should -BeExactly $Curve
        $key.KeySize | Should -BeNullOrEmpty
    }

    It 'refuses a 1024-bit RSA key with KeySizeUnsupported' {
        $err = Get-FirstError { New-RotationKey -KeySize 1024 }

        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'KeySizeUnsupported,*'
    }

    It 'adds a self-signed certificate valid for the time asked' {
        $key = New-RotationKey -Name 'billing-batch' -Certificate -ValidFor (New-TimeSpan -Days 30)

        $key.Name | Should -BeExactly 'billing-batch'
        $key.CertificatePem | Should -BeLike '-----BEGIN CERTIFICATE-----*'
        $key.CertificateThumbprint | Should -MatchExactly '^[0-9A-F]{40}$'
        $key.CertificateThumbprintSha256 | Should -MatchExactly '^[A-Za-z0-9_-]{43}$'
        $key.NotAfter.UtcDateTime | Should -BeGreaterThan ([DateTime]::UtcNow.AddDays(29))
        $key.NotAfter.UtcDateTime | Should -BeLessThan ([DateTime]::UtcNow.AddDays(31))
    }

    It 'refuses -NotAfter together with -ValidFor with CertificateValidityInvalid' {
        $err = Get-FirstError { New-RotationKey -Certificate -NotAfter (Get-Date).AddDays(10) -ValidFor (New-TimeSpan -Days 10) }

        $err.FullyQualifiedErrorId | Should -BeLike 'CertificateValidityInvalid,*'
    }

    It 'never shows private material in ToString, formatting or ConvertTo-Json' {
        $key = New-RotationKey -Certificate
        $private = Export-RotationKey -Key $key -AsPlainText
        # The second-to-last line of the PKCS#8 body holds private CRT values of the key.
        $lines = @($private -split '\r?\n')
        $end = [array]::IndexOf($lines, '-----END PRIVATE KEY-----')
        $secretLine = $lines[$end - 2]

        $json = $key | ConvertTo-Json -Depth 4
        $table = $key | Format-Table | Out-String
        $list = $key | Format-List -Property * | Out-String

        $secretLine.Length | Should -BeGreaterThan 20
        foreach ($text in @($key.ToString(), $json, $table, $list)) {
            $text | Should -Not -Match 'PRIVATE KEY'
            $text.Contains($secretLine) | Should -BeFalse
        }
    }

    It 'says what it generated on the verbose stream, without key material' {
        $verbose = New-RotationKey -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        ($verbose | Out-String) | Should -Match '[A-Za-z0-9_-]{43}'
        ($verbose | Out-String) | Should -Not -Match 'BEGIN'
    }
}

Describe 'Export-RotationKey' {
    BeforeAll {
        $key = New-RotationKey -Name 'export-test'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.pem'

        $out = Export-RotationKey -Key $key -Path $path -WhatIf

        $out | Should -BeNullOrEmpty
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'writes the private key to a file and returns the file' {
        $path = Join-Path $TestDrive 'private.pem'

        $file = Export-RotationKey -Key $key -Path $path

        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be (Get-Item -LiteralPath $path).FullName
        Get-Content -LiteralPath $path -Raw | Should -BeLike '-----BEGIN PRIVATE KEY-----*'
    }

    It 'creates a private key file readable by its owner only (0600) on Unix' {
        if (-not $OnUnix) {
            Set-ItResult -Skipped -Because 'POSIX file modes exist on Unix only'
            return
        }
        $path = Join-Path $TestDrive 'owner-only.pem'

        Export-RotationKey -Key $key -Path $path | Out-Null

        (Get-Item -LiteralPath $path).UnixMode | Should -BeExactly '-rw-------'
    }

    It 'encrypts the private key with -Password' {
        $path = Join-Path $TestDrive 'encrypted.pem'
        $password = ConvertTo-SecureString -String 'correct horse battery staple' -AsPlainText -Force

        Export-RotationKey -Key $key -Path $path -Password $password | Out-Null

        Get-Content -LiteralPath $path -Raw | Should -BeLike '-----BEGIN ENCRYPTED PRIVATE KEY-----*'
    }

    It 'refuses to replace an existing file without -Force, and replaces it with -Force' {
        $path = Join-Path $TestDrive 'exists.pem'
        Set-Content -LiteralPath $path -Value 'old'

        $err = Get-FirstError { Export-RotationKey -Key $key -Path $path -PublicOnly }
        $before = Get-Content -LiteralPath $path -Raw
        Export-RotationKey -Key $key -Path $path -PublicOnly -Force | Out-Null

        $err.FullyQualifiedErrorId | Should -BeLike 'ExportFileExists,*'
        $before.Trim() | Should -BeExactly 'old'
        Get-Content -LiteralPath $path -Raw | Should -BeLike '-----BEGIN PUBLIC KEY-----*'
    }

    It 'refuses a path outside the file system with ExportPathInvalid' {
        $err = Get-FirstError { Export-RotationKey -Key $key -Path 'Env:\PsCredRotateTest' -PublicOnly }

        $err.FullyQualifiedErrorId | Should -BeLike 'ExportPathInvalid,*'
        Test-Path -LiteralPath 'Env:\PsCredRotateTest' | Should -BeFalse
    }

    It 'returns the key instead of the file with -PassThru' {
        $path = Join-Path $TestDrive 'passthru.pem'

        $out = Export-RotationKey -Key $key -Path $path -PassThru

        $out.Kid | Should -BeExactly $key.Kid
        Test-Path -LiteralPath $path | Should -BeTrue
    }

    It 'binds a key from the pipeline' {
        $path = Join-Path $TestDrive 'pipeline.pem'

        $file = New-RotationKey -Algorithm ES256 | Export-RotationKey -Path $path

        $file.Name | Should -BeExactly 'pipeline.pem'
        Get-Content -LiteralPath $path -Raw | Should -BeLike '-----BEGIN PRIVATE KEY-----*'
    }

    It 'refuses private material on the pipeline without -AsPlainText with PrivateKeyPlainTextRequired' {
        $out = $null
        $errors = $null

        $out = Export-RotationKey -Key $key -ErrorAction SilentlyContinue -ErrorVariable errors

        $out | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PrivateKeyPlainTextRequired,*'
        $errors[0].TargetObject | Should -BeExactly $key.Kid
    }

    It 'writes the public key to the pipeline with -PublicOnly' {
        $pem = Export-RotationKey -Key $key -PublicOnly

        $pem | Should -BeLike '-----BEGIN PUBLIC KEY-----*'
        $pem | Should -Not -Match 'PRIVATE'
    }

    It 'writes the private key to the pipeline with -AsPlainText' {
        $pem = Export-RotationKey -Key $key -AsPlainText

        $pem | Should -BeLike '-----BEGIN PRIVATE KEY-----*'
    }

    It 'writes a public JWK whose kid is the key''s kid' {
        $jwk = Export-RotationKey -Key $key -Format Jwk -PublicOnly | ConvertFrom-Json

        $jwk.kid | Should -BeExactly $key.Kid
        $jwk.kty | Should -BeExactly 'RSA'
        $jwk.PSObject.Properties.Name | Should -Not -Contain 'd'
    }

    It 'writes a JWK Set holding the key' {
        $jwks = Export-RotationKey -Key $key -Format Jwks -PublicOnly | ConvertFrom-Json

        @($jwks.keys).Count | Should -Be 1
        $jwks.keys[0].kid | Should -BeExactly $key.Kid
    }
}

Describe 'Import-RotationKey' {
    BeforeAll {
        $key = New-RotationKey -Algorithm ES256
        $password = ConvertTo-SecureString -String 'correct horse battery staple' -AsPlainText -Force
    }

    It 'reads back a private PEM with the same kid' {
        $pem = Export-RotationKey -Key $key -AsPlainText

        $imported = Import-RotationKey -Pem $pem

        $imported.Kid | Should -BeExactly $key.Kid
        $imported.Algorithm.ToString() | Should -BeExactly 'ES256'
        $imported.HasPrivateKey | Should -BeTrue
    }

    It 'reads PEM text from the pipeline' {
        $imported = Export-RotationKey -Key $key -PublicOnly | Import-RotationKey

        $imported.Kid | Should -BeExactly $key.Kid
        $imported.HasPrivateKey | Should -BeFalse
    }

    It 'reads back a public JWK with the same kid' {
        $jwk = Export-RotationKey -Key $key -Format Jwk -PublicOnly

        $imported = Import-RotationKey -Jwk $jwk

        $imported.Kid | Should -BeExactly $key.Kid
        $imported.HasPrivateKey | Should -BeFalse
    }

    It 'reads files piped from Get-Item' {
        $path = Join-Path $TestDrive 'import.pem'
        Export-RotationKey -Key $key -Path $path | Out-Null

        $imported = Get-Item -LiteralPath $path | Import-RotationKey -Name 'from-file'

        $imported.Kid | Should -BeExactly $key.Kid
        $imported.Name | Should -BeExactly 'from-file'
    }

    It 'reads an encrypted key with its password' {
        $path = Join-Path $TestDrive 'import-encrypted.pem'
        Export-RotationKey -Key $key -Path $path -Password $password | Out-Null

        $imported = Import-RotationKey -Path $path -Password $password

        $imported.Kid | Should -BeExactly $key.Kid
    }

    It 'refuses a wrong password with KeyPasswordIncorrect' {
        $path = Join-Path $TestDrive 'import-wrong-password.pem'
        Export-RotationKey -Key $key -Path $path -Password $password | Out-Null
        $wrong = ConvertTo-SecureString -String 'not the password' -AsPlainText -Force

        $err = Get-FirstError { Import-RotationKey -Path $path -Password $wrong }

        $err.FullyQualifiedErrorId | Should -BeLike 'KeyPasswordIncorrect,*'
    }

    It 'reports a missing file with KeyFileNotFound' {
        $err = Get-FirstError { Import-RotationKey -Path (Join-Path $TestDrive 'no-such-key.pem') }

        $err.FullyQualifiedErrorId | Should -BeLike 'KeyFileNotFound,*'
    }
}

Describe 'New-ClientAssertion' {
    BeforeAll {
        $key = New-RotationKey -Algorithm PS256
        $clientId = 'svc-billing-7f3a'
        $audience = 'https://example-tenant.eu.auth0.com/oauth/token'
    }

    It 'returns an assertion object that does not show the token' {
        $assertion = New-ClientAssertion -Key $key -ClientId $clientId -Audience $audience
        $token = $assertion.RevealCompactSerialization()
        $signature = ($token -split '\.')[2]

        $assertion.GetType().Name | Should -BeExactly 'ClientAssertion'
        $assertion.ClientId | Should -BeExactly $clientId
        $assertion.Kid | Should -BeExactly $key.Kid
        ($assertion | Format-Table | Out-String).Contains($signature) | Should -BeFalse
        ($assertion | Format-List -Property * | Out-String).Contains($signature) | Should -BeFalse
        ($assertion | ConvertTo-Json).Contains($signature) | Should -BeFalse
        $assertion.ToString().Contains($signature) | Should -BeFalse
    }

    It 'returns the compact token with -AsPlainText, with the RFC 7523 claims' {
        $token = $key | New-ClientAssertion -ClientId $clientId -Audience $audience -AsPlainText

        $parts = $token -split '\.'
        $parts.Count | Should -Be 3
        $header = ConvertFrom-Base64Url $parts[0] | ConvertFrom-Json
        $claims = ConvertFrom-Base64Url $parts[1] | ConvertFrom-Json
        $header.alg | Should -BeExactly 'PS256'
        $header.kid | Should -BeExactly $key.Kid
        $claims.iss | Should -BeExactly $clientId
        $claims.sub | Should -BeExactly $clientId
        $claims.aud | Should -BeExactly $audience
        ($claims.exp - $claims.iat) | Should -Be 60
    }

    It 'refuses a lifetime over five minutes with AssertionLifetimeOutOfRange' {
        $err = Get-FirstError { New-ClientAssertion -Key $key -ClientId $clientId -Audience $audience -Lifetime (New-TimeSpan -Minutes 10) }

        $err.FullyQualifiedErrorId | Should -BeLike 'AssertionLifetimeOutOfRange,*'
    }
}
