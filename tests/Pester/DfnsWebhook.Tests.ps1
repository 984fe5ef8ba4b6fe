#Requires -Version 5.1
# Pester 5 tests for the Dfns webhook cmdlets, run against the built module (out/PsCredRotate).
# Test-WebhookSignature needs no server: events are signed here with .NET's HMACSHA256 (and two
# fixed vectors computed with openssl), independently of the module.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $oldSecretText = 'whsec-old-0123456789abcdef'
    $newSecretText = 'whsec-new-fedcba9876543210'
    $oldSecret = ConvertTo-SecureString -String $oldSecretText -AsPlainText -Force
    $newSecret = ConvertTo-SecureString -String $newSecretText -AsPlainText -Force

    # printf '%s' "$event" | openssl dgst -sha256 -hmac "$secret"
    $fixedEvent = '{"id":"wh-1a2b3-c4d5e-0000000000000000","kind":"wallet.created","date":"2026-11-29T17:00:00.000Z","data":{"wallet":{"id":"wa-1"}},"status":"200","timestampSent":1795971600}'
    $fixedSent = [DateTimeOffset]::new(2026, 11, 29, 17, 0, 0, [TimeSpan]::Zero)
    $fixedOld = 'sha256=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17'
    $fixedNew = 'sha256=540dcfc682f51693132a63a8a93d30316547aa0e33315f6ca2529e9695cbb3af'

    function New-TestEvent {
        param([DateTimeOffset] $Sent = [DateTimeOffset]::UtcNow, [string] $Kind = 'wallet.created')

        return '{"id":"wh-' + [guid]::NewGuid().ToString('N') + '","kind":"' + $Kind + '","date":"' + $Sent.UtcDateTime.ToString('o') + '","data":{"wallet":{"id":"wa-1"}},"status":"200","timestampSent":' + $Sent.ToUnixTimeSeconds() + '}'
    }

    function Get-TestSignature {
        param([byte[]] $Bytes, [string] $Secret)

        $hmac = [System.Security.Cryptography.HMACSHA256]::new([System.Text.Encoding]::UTF8.GetBytes($Secret))
        try {
            return 'sha256=' + (($hmac.ComputeHash($Bytes) | ForEach-Object { $_.ToString('x2') }) -join '')
        }
        finally {
            $hmac.Dispose()
        }
    }

    function ConvertTo-Utf8 {
        param([string] $Text)

        return [System.Text.UTF8Encoding]::new($false).GetBytes($Text)
    }
}

Describe 'Test-WebhookSignature' {
    It 'reads only: it has no -WhatIf' {
        $metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Test-WebhookSignature))

        $metadata.SupportsShouldProcess | Should -BeFalse
    }

    It 'accepts an event signed with the secret (openssl vector) and reports when it was sent' {
        $result = Test-WebhookSignature -Body $fixedEvent -Signature $fixedOld -Secret $oldSecret -Now $fixedSent.AddSeconds(30)

        $result.GetType().Name | Should -BeExactly 'WebhookSignatureResult'
        $result.IsValid | Should -BeTrue
        $result.Reason | Should -Be 'Valid'
        $result.MatchedSecretIndex | Should -Be 0
        $result.TimestampSent | Should -Be $fixedSent
        $result.Age | Should -Be ([TimeSpan]::FromSeconds(30))
        $result.Kind | Should -BeExactly 'wallet.created'
        $result.EventId | Should -BeExactly 'wh-1a2b3-c4d5e-0000000000000000'
    }

    It 'accepts events signed with the old and with the new secret during a switch, naming which matched' {
        $now = $fixedSent.AddSeconds(10)

        (Test-WebhookSignature -Body $fixedEvent -Signature $fixedOld -Secret $oldSecret, $newSecret -Now $now).MatchedSecretIndex | Should -Be 0
        (Test-WebhookSignature -Body $fixedEvent -Signature $fixedNew -Secret $oldSecret, $newSecret -Now $now).MatchedSecretIndex | Should -Be 1
    }

    It 'verifies the exact bytes received with -BodyBytes, at the current time by default' {
        $bytes = ConvertTo-Utf8 (New-TestEvent)

        $result = Test-WebhookSignature -BodyBytes $bytes -Signature (Get-TestSignature $bytes $newSecretText) -Secret $oldSecret, $newSecret

        $result.IsValid | Should -BeTrue
        $result.MatchedSecretIndex | Should -Be 1
    }

    It 'returns only a boolean with -Quiet' {
        $bytes = ConvertTo-Utf8 (New-TestEvent)
        $signature = Get-TestSignature $bytes $oldSecretText

        Test-WebhookSignature -BodyBytes $bytes -Signature $signature -Secret $oldSecret -Quiet | Should -BeExactly $true
        Test-WebhookSignature -BodyBytes $bytes -Signature $signature -Secret $newSecret -Quiet | Should -BeExactly $false
    }

    It 'refuses a tampered body, a wrong secret and a stale event, each with its reason and no error' {
        $event = New-TestEvent -Sent ([DateTimeOffset]::UtcNow.AddMinutes(-6))
        $signature = Get-TestSignature (ConvertTo-Utf8 $event) $oldSecretText
        $errors = $null

        $tampered = Test-WebhookSignature -Body ($event -replace 'wa-1', 'wa-666') -Signature $signature -Secret $oldSecret -ErrorVariable +errors
        $wrong = Test-WebhookSignature -Body $event -Signature $signature -Secret $newSecret -ErrorVariable +errors
        $stale = Test-WebhookSignature -Body $event -Signature $signature -Secret $newSecret, $oldSecret -ErrorVariable +errors

        $tampered.Reason | Should -Be 'SignatureMismatch'
        $wrong.Reason | Should -Be 'SignatureMismatch'
        $stale.Reason | Should -Be 'TimestampOutsideWindow'
        $stale.MatchedSecretIndex | Should -Be 1
        @($tampered, $wrong, $stale).IsValid | Should -Not -Contain $true
        $errors | Should -BeNullOrEmpty
    }

    It 'takes a wider window with -MaxAge' {
        $event = New-TestEvent -Sent ([DateTimeOffset]::UtcNow.AddMinutes(-6))
        $signature = Get-TestSignature (ConvertTo-Utf8 $event) $oldSecretText

        (Test-WebhookSignature -Body $event -Signature $signature -Secret $oldSecret -MaxAge (New-TimeSpan -Minutes 10)).IsValid | Should -BeTrue
    }

    It 'reports a missing or malformed header as SignatureMalformed, not as an error: <Case>' -ForEach @(
        @{ Case = 'missing'; Header = $null }
        @{ Case = 'empty'; Header = '' }
        @{ Case = 'not hex'; Header = 'sha256=xyz' }
        @{ Case = 'another algorithm'; Header = 'sha1=29923c7f9423c8a9877eef261ae7ce6a793ba8c7cba67748e1dd3e3db318ba17' }
    ) {
        $result = Test-WebhookSignature -Body $fixedEvent -Signature $Header -Secret $oldSecret -ErrorAction Stop

        $result.Reason | Should -Be 'SignatureMalformed'
        $result.IsValid | Should -BeFalse
    }

    It 'accepts a re-formatted body only with -AllowReserializedBody' {
        $pretty = $fixedEvent -replace ',"', (",`n  " + '"')
        $now = $fixedSent.AddSeconds(5)

        (Test-WebhookSignature -Body $pretty -Signature $fixedOld -Secret $oldSecret -Now $now).Reason | Should -Be 'SignatureMismatch'
        $lenient = Test-WebhookSignature -Body $pretty -Signature $fixedOld -Secret $oldSecret -Now $now -AllowReserializedBody
        $lenient.IsValid | Should -BeTrue
        $lenient.MatchedReserializedBody | Should -BeTrue
    }

    It 'refuses to run without a secret (a parameter error)' {
        { Test-WebhookSignature -Body $fixedEvent -Signature $fixedOld -Secret @() } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,PsCredRotate.Commands.Dfns.Webhooks.TestWebhookSignatureCommand'
    }

    It 'refuses an empty secret with WebhookSecretEmpty and a window of zero with WebhookMaxAgeInvalid' {
        $empty = [securestring]::new()

        { Test-WebhookSignature -Body $fixedEvent -Signature $fixedOld -Secret $oldSecret, $empty } |
            Should -Throw -ErrorId 'WebhookSecretEmpty,PsCredRotate.Commands.Dfns.Webhooks.TestWebhookSignatureCommand'
        { Test-WebhookSignature -Body $fixedEvent -Signature $fixedOld -Secret $oldSecret -MaxAge ([TimeSpan]::Zero) } |
            Should -Throw -ErrorId 'WebhookMaxAgeInvalid,PsCredRotate.Commands.Dfns.Webhooks.TestWebhookSignatureCommand'
    }

    It 'never writes a secret to any stream or to the formatted output' {
        $bytes = ConvertTo-Utf8 (New-TestEvent)
        $signature = Get-TestSignature $bytes $oldSecretText

        $all = Test-WebhookSignature -BodyBytes $bytes -Signature $signature -Secret $oldSecret, $newSecret -Verbose *>&1
        $results = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $text = ($all | Out-String) + ($results | Format-List -Property * | Out-String) + ($results | ConvertTo-Json -Depth 4)

        $text | Should -Not -Match $oldSecretText
        $text | Should -Not -Match $newSecretText
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 1
    }
}
