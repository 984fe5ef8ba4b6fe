#Requires -Version 5.1
# Pester 5 tests for the Dfns webhook cmdlets, run against the built module (out/PsCredRotate).
# Test-WebhookSignature needs no server: events are signed here with .NET's HMACSHA256 (and two
# fixed vectors computed with openssl), independently of the module. Get/New/Remove-DfnsWebhook run
# against the emulator (a child process with --dfns, see TestHelpers.ps1) as a service account
# seeded through its admin area; what changed is read from the emulator's own state.

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

Describe 'Get-DfnsWebhook, New-DfnsWebhook and Remove-DfnsWebhook against the emulator' {
    BeforeAll {
        $emulator = Start-TestEmulator -Dfns
        $saKey = New-RotationKey -Algorithm ES256 -Name 'pester-dfns-webhooks'
        $account = (Invoke-EmulatorAdmin -Emulator $emulator -Method Post -Path 'dfns/service-accounts' -Body @{ name = 'pester-webhooks'; publicKey = $saKey.PublicKeyPem }).Content | ConvertFrom-Json
        $options = [PsCredRotate.Core.Dfns.DfnsConnectionOptions]::new()
        $options.BaseUri = $emulator.BaseUrl
        $options.Token = ConvertTo-SecureString -String $account.token -AsPlainText -Force
        $options.CredentialId = $account.credId
        $options.Key = $saKey
        $options.MaxRetries = 0
        $dfns = [PsCredRotate.Core.Dfns.DfnsConnection]::Create($options)
        $dfns.ConnectAsync([System.Threading.CancellationToken]::None).GetAwaiter().GetResult() | Out-Null
        $PSDefaultParameterValues['*-DfnsWebhook:Connection'] = $dfns
        # The organisation with its service account and no webhook, put back before each test.
        $emulator.Baseline = Get-EmulatorSnapshot -Emulator $emulator
        $receiverUrl = 'http://127.0.0.1:9/dfns/events'

        function Get-DfnsState {
            return [string](Invoke-EmulatorAdmin -Emulator $emulator -Method Get -Path 'dfns/state').Content
        }

        function Get-StateWebhooks {
            return @((Get-DfnsState | ConvertFrom-Json).webhooks)
        }

        function ConvertTo-Plain {
            param([securestring] $Secure)

            return [System.Net.NetworkCredential]::new('', $Secure).Password
        }

        function New-TestHook {
            param([string] $Description = 'Payments')

            return New-DfnsWebhook -Url $receiverUrl -Event 'wallet.created', 'wallet.transfer.confirmed' -Description $Description -Confirm:$false
        }
    }

    AfterAll {
        $PSDefaultParameterValues.Remove('*-DfnsWebhook:Connection')
        if ($null -ne $dfns) { $dfns.Dispose() }
        Stop-TestEmulator -Emulator $emulator
    }

    BeforeEach {
        Restore-TestEmulator -Emulator $emulator
    }

    It 'New-DfnsWebhook is a Medium-impact and Remove-DfnsWebhook a High-impact state change' {
        ([System.Management.Automation.CommandMetadata]::new((Get-Command New-DfnsWebhook))).ConfirmImpact | Should -Be 'Medium'
        $remove = [System.Management.Automation.CommandMetadata]::new((Get-Command Remove-DfnsWebhook))
        $remove.SupportsShouldProcess | Should -BeTrue
        $remove.ConfirmImpact | Should -Be 'High'
    }

    It 'creates a webhook and returns its secret only as a SecureString, never in a view or a stream' {
        $all = New-TestHook -Verbose *>&1
        $hook = @($all | Where-Object { $_ -is [PsCredRotate.Core.Dfns.Webhooks.DfnsWebhook] })[0]

        $hook.Id | Should -Match '^wh-'
        $hook.Url | Should -BeExactly $receiverUrl
        $hook.Events | Should -Be @('wallet.created', 'wallet.transfer.confirmed')
        $hook.Status | Should -BeExactly 'Enabled'
        $hook.Secret | Should -BeOfType ([securestring])
        $hook.SecretFile | Should -BeNullOrEmpty
        $secret = ConvertTo-Plain $hook.Secret
        $secret | Should -Not -BeNullOrEmpty
        $text = ($all | Out-String -Width 250) + ($hook | Format-List -Property * | Out-String) + $hook.ToString() + ($hook | Select-Object -Property * -ExcludeProperty Secret | ConvertTo-Json -Depth 3)
        $text | Should -Not -Match ([regex]::Escape($secret))
        ($hook | Format-Table | Out-String -Width 250) | Should -Match 'Secret property'
        @(Get-StateWebhooks).id | Should -Be @($hook.Id)
    }

    It 'lists the webhooks, gets one by id, and binds Id by property name' {
        $a = New-TestHook -Description 'A'
        $b = New-TestHook -Description 'B'

        @(Get-DfnsWebhook).Id | Sort-Object | Should -Be (@($a.Id, $b.Id) | Sort-Object)
        (Get-DfnsWebhook -WebhookId $b.Id).Description | Should -BeExactly 'B'
        (@($a, $b) | Get-DfnsWebhook).Id | Should -Be @($a.Id, $b.Id)
        @(Get-DfnsWebhook) | ForEach-Object { $_.Secret | Should -BeNullOrEmpty }
    }

    It 'writes the secret to a new owner-only file with -OutFile and leaves the Secret property empty' {
        $file = Join-Path $TestDrive 'webhook.secret'

        $hook = New-DfnsWebhook -Url $receiverUrl -Event '*' -OutFile $file -Confirm:$false

        $hook.Secret | Should -BeNullOrEmpty
        $hook.SecretFile | Should -BeExactly $file
        (Get-Content -LiteralPath $file -Raw) | Should -Match '^whsec-'
        if (-not $IsWindows) {
            (Get-Item -LiteralPath $file).UnixMode | Should -BeExactly '-rw-------'
        }
        ($hook | Format-Table | Out-String -Width 250) | Should -Match ([regex]::Escape('webhook.secret'))
    }

    It 'refuses an existing -OutFile with SecretFileExists before anything is created' {
        $file = Join-Path $TestDrive 'taken.secret'
        Set-Content -LiteralPath $file -Value 'keep me' -NoNewline
        $before = Get-DfnsState

        { New-DfnsWebhook -Url $receiverUrl -Event '*' -OutFile $file -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SecretFileExists,PsCredRotate.Commands.Dfns.Webhooks.NewDfnsWebhookCommand'
        Get-DfnsState | Should -BeExactly $before
        Get-Content -LiteralPath $file -Raw | Should -BeExactly 'keep me'
    }

    It 'creates a replacement with -Like from the pipeline: same url and events, a description naming the old one' {
        $old = New-TestHook

        $new = Get-DfnsWebhook -WebhookId $old.Id | New-DfnsWebhook -Confirm:$false

        $new.Id | Should -Not -Be $old.Id
        $new.Url | Should -BeExactly $old.Url
        $new.Events | Should -Be $old.Events
        $new.Replaces | Should -BeExactly $old.Id
        $new.Description | Should -BeExactly ('Replaces webhook ' + $old.Id + ': Payments')
        (ConvertTo-Plain $new.Secret) | Should -Not -BeExactly (ConvertTo-Plain $old.Secret)
        @(Get-StateWebhooks).Count | Should -Be 2
    }

    It 'takes a webhook id as -Like and a description of its own' {
        $old = New-TestHook

        $new = New-DfnsWebhook -Like $old.Id -Description 'Payments (rotated)' -Confirm:$false

        $new.Description | Should -BeExactly 'Payments (rotated)'
        $new.Replaces | Should -BeExactly $old.Id
    }

    It 'refuses an unknown webhook with DfnsWebhookNotFound and changes nothing: <Case>' -ForEach @(
        @{ Case = 'New -Like'; Action = { New-DfnsWebhook -Like 'wh-does-not-exist' -Confirm:$false -ErrorAction Stop } }
        @{ Case = 'Remove'; Action = { Remove-DfnsWebhook -WebhookId 'wh-does-not-exist' -Confirm:$false -ErrorAction Stop } }
        @{ Case = 'Get'; Action = { Get-DfnsWebhook -WebhookId 'wh-does-not-exist' -ErrorAction Stop } }
    ) {
        New-TestHook | Out-Null
        $before = Get-DfnsState

        $Action | Should -Throw -ErrorId 'DfnsWebhookNotFound,*'
        Get-DfnsState | Should -BeExactly $before
    }

    It 'refuses bad input before any call: <Case>' -ForEach @(
        @{ Case = 'a url that is not one'; Id = 'DfnsWebhookUrlInvalid'; Action = { New-DfnsWebhook -Url 'not a url' -Event '*' -Confirm:$false -ErrorAction Stop } }
        @{ Case = 'a blank event'; Id = 'DfnsWebhookEventsMissing'; Action = { New-DfnsWebhook -Url $receiverUrl -Event ' ' -Confirm:$false -ErrorAction Stop } }
        @{ Case = 'a -Like that is no webhook'; Id = 'DfnsWebhookLikeInvalid'; Action = { New-DfnsWebhook -Like (Get-Date) -Confirm:$false -ErrorAction Stop } }
        @{ Case = 'a malformed id'; Id = 'DfnsWebhookIdInvalid'; Action = { Remove-DfnsWebhook -WebhookId '../auth/credentials' -Confirm:$false -ErrorAction Stop } }
    ) {
        $before = Get-DfnsState

        $Action | Should -Throw -ErrorId ($Id + ',*')
        Get-DfnsState | Should -BeExactly $before
    }

    It 'creates and removes nothing under -WhatIf' {
        $old = New-TestHook
        $before = Get-DfnsState

        New-DfnsWebhook -Like $old -WhatIf | Should -BeNullOrEmpty
        New-DfnsWebhook -Url $receiverUrl -Event '*' -WhatIf | Should -BeNullOrEmpty
        Remove-DfnsWebhook -WebhookId $old.Id -WhatIf

        Get-DfnsState | Should -BeExactly $before
    }

    It 'removes the webhooks piped from Get-DfnsWebhook, and writes each with -PassThru' {
        $a = New-TestHook -Description 'A'
        $b = New-TestHook -Description 'B'
        $keep = New-TestHook -Description 'keep'

        $removed = Get-DfnsWebhook | Where-Object Description -ne 'keep' | Remove-DfnsWebhook -PassThru -Confirm:$false

        @($removed).Id | Sort-Object | Should -Be (@($a.Id, $b.Id) | Sort-Object)
        @(Get-StateWebhooks).id | Should -Be @($keep.Id)
    }

    Context 'docs/examples/Rotate-DfnsWebhookSecret.ps1 with a receiver that verifies every event' {
        BeforeAll {
            $runbook = Join-Path $PSScriptRoot '../../docs/examples/Rotate-DfnsWebhookSecret.ps1'

            # A receiver as a user would write one: an HttpListener on 127.0.0.1 in its own runspace
            # that answers 200 only to events Test-WebhookSignature accepts with the secret files
            # listed in accepted.list (what -Deploy writes).
            $port = Get-FreeLoopbackPort
            $hookUrl = "http://127.0.0.1:$port/dfns/"
            $listener = [System.Net.HttpListener]::new()
            $listener.Prefixes.Add($hookUrl)
            $listener.Start()
            $receiver = [powershell]::Create()
            $receiver.AddScript({
                    param($listener, $modulePath, $acceptList, $log)
                    Import-Module -Name $modulePath
                    while ($listener.IsListening) {
                        try { $context = $listener.GetContext() } catch { break }
                        $buffer = [System.IO.MemoryStream]::new()
                        $context.Request.InputStream.CopyTo($buffer)
                        $files = @(Get-Content -LiteralPath $acceptList -ErrorAction SilentlyContinue | Where-Object { $_ })
                        $secrets = @($files | ForEach-Object { ConvertTo-SecureString -String (Get-Content -LiteralPath $_ -Raw) -AsPlainText -Force })
                        $ok = $false
                        if ($secrets.Count -gt 0) {
                            $ok = Test-WebhookSignature -BodyBytes $buffer.ToArray() -Signature $context.Request.Headers['X-DFNS-WEBHOOK-SIGNATURE'] -Secret $secrets -Quiet
                        }
                        $log.Add($ok)
                        $context.Response.StatusCode = if ($ok) { 200 } else { 401 }
                        $context.Response.Close()
                    }
                }) | Out-Null
            $receiverLog = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new())
            $secretDir = Join-Path $TestDrive 'receiver'
            New-Item -ItemType Directory -Path $secretDir | Out-Null
            $acceptList = Join-Path $secretDir 'accepted.list'
            $receiver.AddArgument($listener).AddArgument((Get-Module PsCredRotate).Path).AddArgument($acceptList).AddArgument($receiverLog) | Out-Null
            $receiverRun = $receiver.BeginInvoke()

            $deployed = [System.Collections.ArrayList]::new()
            $deploy = {
                param([string[]] $SecretFiles)
                $deployed.Add(($SecretFiles | ForEach-Object { Split-Path -Leaf $_ }) -join ',') | Out-Null
                Set-Content -LiteralPath $acceptList -Value $SecretFiles
            }

            # The webhook in service today: its secret in <id>.secret, the receiver accepting it.
            function New-ServingHook {
                $pending = Join-Path $secretDir 'pending.secret'
                $hook = New-DfnsWebhook -Url $hookUrl -Event 'wallet.created' -Description 'Payments' -OutFile $pending -Confirm:$false
                Rename-Item -LiteralPath $pending -NewName ($hook.Id + '.secret')
                Set-Content -LiteralPath $acceptList -Value (Join-Path $secretDir ($hook.Id + '.secret'))
                return $hook
            }

            function Send-Event {
                param([string] $Id)
                $answer = (Invoke-EmulatorAdmin -Emulator $emulator -Method Post -Path "dfns/webhooks/$Id/deliver" -Body @{ kind = 'wallet.created'; data = @{ wallet = @{ id = 'wa-1' } } }).Content | ConvertFrom-Json
                return $answer.status
            }
        }

        AfterAll {
            $listener.Stop()
            $listener.Close()
            $receiver.Stop()
            $receiver.Dispose()
        }

        BeforeEach {
            Get-ChildItem -LiteralPath $secretDir -Force | Remove-Item -Force
            $deployed.Clear()
            $receiverLog.Clear()
        }

        It 'replaces the webhook, proves the receiver takes the new secret, then retires the old one' {
            $old = New-ServingHook
            Send-Event $old.Id | Should -Be 200

            $new = & $runbook -WebhookId $old.Id -SecretPath $secretDir -Deploy $deploy -Connection $dfns

            $new.Id | Should -Not -Be $old.Id
            $new.Url | Should -BeExactly $hookUrl
            $new.Description | Should -BeExactly ('Replaces webhook ' + $old.Id + ': Payments')
            @($deployed) | Should -Be @("$($old.Id).secret,$($new.Id).secret", "$($new.Id).secret")
            @(Get-StateWebhooks).id | Should -Be @($new.Id)
            Test-Path -LiteralPath (Join-Path $secretDir ($old.Id + '.secret')) | Should -BeFalse
            if (-not $IsWindows) {
                (Get-Item -LiteralPath (Join-Path $secretDir ($new.Id + '.secret'))).UnixMode | Should -BeExactly '-rw-------'
            }
            Send-Event $new.Id | Should -Be 200
            $receiverLog | Should -Not -Contain $false
        }

        It 'rolls back when the receiver does not take the new secret: the old webhook and secret stay' {
            $old = New-ServingHook
            $stuck = {
                param([string[]] $SecretFiles)
                $deployed.Add(($SecretFiles | ForEach-Object { Split-Path -Leaf $_ }) -join ',') | Out-Null
                # The deploy "succeeds" but the receiver keeps its old configuration.
            }

            { & $runbook -WebhookId $old.Id -SecretPath $secretDir -Deploy $stuck -Connection $dfns -WarningAction SilentlyContinue } |
                Should -Throw '*does not accept the new webhook secret*'

            @(Get-StateWebhooks).id | Should -Be @($old.Id)
            @(Get-ChildItem -LiteralPath $secretDir -Filter '*.secret' -Force).Name | Should -Be @($old.Id + '.secret')
            $deployed[-1] | Should -BeExactly "$($old.Id).secret"
            Send-Event $old.Id | Should -Be 200
        }

        It 'changes nothing under -WhatIf' {
            $old = New-ServingHook
            $before = Get-DfnsState

            & $runbook -WebhookId $old.Id -SecretPath $secretDir -Deploy $deploy -Connection $dfns -WhatIf

            Get-DfnsState | Should -BeExactly $before
            $deployed.Count | Should -Be 0
            @(Get-ChildItem -LiteralPath $secretDir -Filter '*.secret' -Force).Name | Should -Be @($old.Id + '.secret')
        }
    }

    It 'fails with DfnsNotConnected without a connection' {
        $PSDefaultParameterValues.Remove('*-DfnsWebhook:Connection')
        try {
            # Another test file of this session may have left a default connection: forget it first.
            try { Disconnect-DfnsOrganization } catch { }
            { Get-DfnsWebhook -ErrorAction Stop } | Should -Throw -ErrorId 'DfnsNotConnected,*'
        }
        finally {
            $PSDefaultParameterValues['*-DfnsWebhook:Connection'] = $dfns
        }
    }
}
