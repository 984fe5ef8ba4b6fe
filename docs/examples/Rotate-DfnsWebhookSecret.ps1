#Requires -Version 5.1
<#
.SYNOPSIS
    Rotates the signing secret of a Dfns webhook without losing or rejecting a single event.

.DESCRIPTION
    A Dfns webhook secret cannot be changed: it is rotated by replacing the webhook, as Dfns's
    credential rotation guide describes. For the webhook -WebhookId this runbook:

      1. creates a webhook with the same url and events (New-DfnsWebhook -Like), its secret written
         to a new owner-only (0600) file <SecretPath>/<new webhook id>.secret;
      2. runs -Deploy with the old and the new secret files: the receiver must now accept events
         signed with either (Test-WebhookSignature -Secret $old, $new);
      3. proves it: Dfns pings the new webhook, and the receiver must answer 200, which it only does
         for an event signed with a secret it accepts;
      4. removes the old webhook (Remove-DfnsWebhook), runs -Deploy with the new secret file only,
         and deletes the old secret file.

    If the proof fails, the new webhook and its secret file are removed again and -Deploy runs with
    the old secret file only: the receiver is back where it was, and nothing was lost (the old
    webhook kept delivering throughout). Run it with -WhatIf first.

    The receiver reads its secrets from files in -SecretPath named <webhook id>.secret; the current
    webhook's is expected there as <WebhookId>.secret. A run interrupted after step 1 is finished by
    running it again: it finds the replacement it created (by its description and secret file)
    instead of creating another.

.PARAMETER WebhookId
    The webhook whose secret to rotate. Takes Get-DfnsWebhook output from the pipeline (Id).

.PARAMETER SecretPath
    The folder the receiver reads its webhook secrets from.

.PARAMETER Deploy
    Runs with one argument, the secret files the receiver must accept from now on (the old and the
    new one, later only the new one). Write them where the receiver reads them, or restart or signal
    it. It must throw when the receiver could not be updated.

.PARAMETER Connection
    The Dfns connection (Connect-DfnsOrganization); it signs the user actions.

.EXAMPLE
    $dfns = Connect-DfnsOrganization -Token $token -CredentialId $credId -KeyPath ./dfns-sa.pem
    ./Rotate-DfnsWebhookSecret.ps1 -WebhookId wh-1vs8g-c1ub1-8d2kq9c0v6n3j7tb -SecretPath /etc/dfns-receiver -Connection $dfns -Deploy {
        param([string[]] $SecretFiles)
        Set-Content -LiteralPath /etc/dfns-receiver/accepted.list -Value $SecretFiles
        systemctl reload dfns-receiver
    }
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
    [Alias('Id')]
    [string] $WebhookId,

    [Parameter(Mandatory = $true)]
    [string] $SecretPath,

    [Parameter(Mandatory = $true)]
    [scriptblock] $Deploy,

    # A PsCredRotate.Core.Dfns.DfnsConnection (untyped here, so the script parses before the module is loaded).
    [Parameter(Mandatory = $true)]
    [ValidateNotNull()]
    $Connection
)

$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Module -Name PsCredRotate)) {
    Import-Module -Name PsCredRotate -ErrorAction Stop
}
$common = @{ Connection = $Connection; WhatIf = [bool]$WhatIfPreference; Confirm = $false }

$old = Get-DfnsWebhook -WebhookId $WebhookId -Connection $Connection
$oldFile = Join-Path $SecretPath ($old.Id + '.secret')
if (-not (Test-Path -LiteralPath $oldFile)) {
    Write-Warning "The current secret file '$oldFile' is missing: the receiver will be given only the new secret's file."
}
$oldFiles = @($oldFile | Where-Object { Test-Path -LiteralPath $_ })

# 1. The replacement: one left by an interrupted run, else a new one.
$new = Get-DfnsWebhook -Connection $Connection |
    Where-Object { $_.Description -like ('Replaces webhook ' + $old.Id + '*') -and (Test-Path -LiteralPath (Join-Path $SecretPath ($_.Id + '.secret'))) } |
    Select-Object -First 1
if ($null -ne $new) {
    Write-Verbose "Resuming with the replacement webhook $($new.Id) created by an earlier run."
    if ($WhatIfPreference) {
        Remove-DfnsWebhook -WebhookId $old.Id @common
        return
    }
}
else {
    # A new file first, renamed after the webhook once Dfns has named it (the rename keeps 0600).
    $pending = Join-Path $SecretPath ('.' + $old.Id + '.' + [guid]::NewGuid().ToString('N') + '.secret')
    $new = New-DfnsWebhook -Like $old -OutFile $pending @common
    if ($WhatIfPreference) {
        return
    }
    Rename-Item -LiteralPath $pending -NewName ($new.Id + '.secret') -WhatIf:$false
}
$newFile = Join-Path $SecretPath ($new.Id + '.secret')

# 2. The receiver accepts both secrets.
& $Deploy ([string[]](@($oldFiles) + $newFile))

# 3. Proof: Dfns signs a ping with the new secret; only a receiver that accepts it answers 200.
$ping = ([PsCredRotate.Core.Dfns.Webhooks.DfnsWebhookApi]::new($Connection)).PingAsync($new.Id, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
if (-not $ping.Delivered) {
    Write-Warning "The receiver refused the new webhook's ping ($($ping.Status) $($ping.Error)): rolling back."
    Remove-DfnsWebhook -WebhookId $new.Id @common
    Remove-Item -LiteralPath $newFile -Force
    & $Deploy ([string[]]$oldFiles)
    throw "The receiver does not accept the new webhook secret (ping answered $($ping.Status)). The new webhook was removed; webhook $($old.Id) and its secret are unchanged."
}
Write-Verbose "The receiver accepted the new webhook's ping."

# 4. Retire the old webhook, then its secret.
Remove-DfnsWebhook -WebhookId $old.Id @common
& $Deploy ([string[]]@($newFile))
foreach ($file in $oldFiles) {
    Remove-Item -LiteralPath $file -Force
}

Get-DfnsWebhook -WebhookId $new.Id -Connection $Connection
