#Requires -Version 5.1
<#
.SYNOPSIS
    Rotates the key of a Dfns service account (or personal access token) without downtime.

.DESCRIPTION
    The Dfns credential rotation guide as a scheduled runbook. The service signs its Dfns user
    actions with the private key in <KeyPath> as the credential whose credId is in <KeyPath>.credid.
    One run:

      1. connects with the token and that key, and checks the credential is active and holds it;
      2. adds a new Key credential (ES256 by default) for a new key, signed by the current key; the
         new key is first written owner-only to <KeyPath>.next, so an interrupted run reuses it;
      3. deploys: keeps the current key and credId as <KeyPath>.previous(.credid), writes the new
         ones to <KeyPath> and <KeyPath>.credid (atomic replace, owner-only), then runs -Deploy;
      4. proves the new key with a real signed Dfns call, and deactivates the old credential,
         signed by the new key.

    When -Deploy fails or Dfns refuses the new key, the new credential is deactivated, the old one
    stays active, and the runbook puts the previous key and credId back in place: the service keeps
    working with the old key. Run it with -WhatIf first: it shows every step and changes nothing.

    A run interrupted after step 3 finds the new key already in place on the next run; it then
    deactivates the credential named in <KeyPath>.previous.credid if that one is still active.

    Connection: -Token, or the DFNS_TOKEN environment variable (an automation account's secret).
    -BaseUri defaults to https://api.dfns.io.

    Exit code: 0 when the key was rotated (or already was), 1 when the rotation failed.

.PARAMETER KeyPath
    The file the service reads its Dfns private key from (PEM). Its credId is in <KeyPath>.credid.

.PARAMETER Token
    The service account's token. Default: $env:DFNS_TOKEN.

.PARAMETER Algorithm
    The new key's algorithm: ES256 (P-256), EdDSA (Ed25519) or RS256 (RSA-2048).

.PARAMETER Deploy
    Runs after the new key and credId files are written, with the key file's path and the new
    credId as arguments: restart or signal the service. It must throw when the service cannot use
    the new key; the rotation is then rolled back.

.EXAMPLE
    ./Rotate-DfnsKey.ps1 -KeyPath /etc/signer/dfns.pem -WhatIf

    Shows the plan; changes nothing.

.EXAMPLE
    ./Rotate-DfnsKey.ps1 -KeyPath /etc/signer/dfns.pem -Algorithm EdDSA -Deploy {
        param($keyFile, $credId)
        systemctl restart dfns-signer
    }

    Rotates to an Ed25519 key and restarts the service before the new key is proven.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory = $true)]
    [string] $KeyPath,

    [System.Security.SecureString] $Token,

    [ValidateSet('ES256', 'EdDSA', 'RS256')]
    [string] $Algorithm = 'ES256',

    [string] $BaseUri = 'https://api.dfns.io',

    [string] $Name = ('rotated ' + (Get-Date -Format 'yyyy-MM-dd')),

    [scriptblock] $Deploy
)

$ErrorActionPreference = 'Stop'
if ($null -eq (Get-Module -Name PsCredRotate)) {
    Import-Module -Name PsCredRotate -ErrorAction Stop
}

$advice = @{
    DfnsTokenRejected               = 'Dfns refused the token: check -Token or DFNS_TOKEN.'
    DfnsCredentialNotFound          = 'The credId in the .credid file is not a credential of this account.'
    DfnsCredentialInactive          = 'The credential in the .credid file is deactivated: the key file is not the current key.'
    DfnsCredentialKeyMismatch       = 'The key file does not hold the key of the credential in the .credid file.'
    DfnsCredentialCreationForbidden = 'Dfns does not let this account create credentials; nothing was changed.'
    DfnsRotationVerificationFailed  = 'Dfns refused the new key; it was deactivated and the old key still works.'
    DfnsRotationDeployFailed        = 'Deploying the new key failed; it was deactivated and the old key still works.'
    DfnsPolicyApprovalPending       = 'A Dfns policy holds the change for approval: approve it, then run again.'
}

if ($null -eq $Token) {
    if ([string]::IsNullOrEmpty($env:DFNS_TOKEN)) {
        throw 'No token: pass -Token or set DFNS_TOKEN.'
    }
    $Token = ConvertTo-SecureString -String $env:DFNS_TOKEN -AsPlainText -Force
}

$credIdPath = $KeyPath + '.credid'
$nextPath = $KeyPath + '.next'
$previousPath = $KeyPath + '.previous'
$previousCredIdPath = $previousPath + '.credid'

$currentKey = Import-RotationKey -Path $KeyPath
$currentCredId = (Get-Content -LiteralPath $credIdPath -Raw).Trim()
try {
    $connection = Connect-DfnsOrganization -Token $Token -CredentialId $currentCredId -Key $currentKey -BaseUri $BaseUri -NoDefault
}
catch {
    $id = ($_.FullyQualifiedErrorId -split ',')[0]
    if ($advice.ContainsKey($id)) { Write-Warning ('{0}: {1}' -f $id, $advice[$id]) }
    throw
}

# Writes a key and its credId where the service reads them (owner-only, atomic replace).
$writeServiceKey = {
    param($Key, [string] $CredId, [string] $Path)
    Export-RotationKey -Key $Key -Path $Path -Force -Confirm:$false | Out-Null
    $tmp = $Path + '.credid.tmp'
    Set-Content -LiteralPath $tmp -Value $CredId -NoNewline -Encoding ascii -Confirm:$false -WhatIf:$false
    Move-Item -LiteralPath $tmp -Destination ($Path + '.credid') -Force -Confirm:$false -WhatIf:$false
}

$keyFile = $KeyPath
$userDeploy = $Deploy
$deployStep = {
    param($newKey)
    # $_ is the rotation result; its NewCredId is the credId the service signs as from now on.
    $result = $_
    Copy-Item -LiteralPath $keyFile -Destination $previousPath -Force -Confirm:$false -WhatIf:$false
    Copy-Item -LiteralPath ($keyFile + '.credid') -Destination $previousCredIdPath -Force -Confirm:$false -WhatIf:$false
    & $writeServiceKey -Key $newKey -CredId $result.NewCredId -Path $keyFile
    if ($null -ne $userDeploy) {
        & $userDeploy $keyFile $result.NewCredId
    }
}.GetNewClosure()

$rotate = @{
    Connection = $connection
    KeyPath    = $nextPath
    Algorithm  = $Algorithm
    Name       = $Name
    Deploy     = $deployStep
    WhatIf     = [bool]$WhatIfPreference
    Confirm    = ($PSBoundParameters.ContainsKey('Confirm') -and [bool]$PSBoundParameters['Confirm'])
}
try {
    $result = Invoke-DfnsKeyRotation @rotate
}
catch {
    $id = ($_.FullyQualifiedErrorId -split ',')[0]
    if ($id -in @('DfnsRotationVerificationFailed', 'DfnsRotationDeployFailed') -and (Test-Path -LiteralPath $previousPath)) {
        # The old credential is active again: give the service its old key back.
        & $writeServiceKey -Key (Import-RotationKey -Path $previousPath) -CredId (Get-Content -LiteralPath $previousCredIdPath -Raw).Trim() -Path $KeyPath
        if ($null -ne $Deploy) { & $Deploy $KeyPath $currentCredId }
    }
    if ($advice.ContainsKey($id)) { Write-Warning ('{0}: {1}' -f $id, $advice[$id]) }
    Write-Warning "The key was not rotated: $($_.Exception.Message)"
    exit 1
}

if ($result.Status -eq 'AlreadyCompleted' -and (Test-Path -LiteralPath $previousCredIdPath)) {
    # An earlier run deployed the new key and stopped before retiring the old credential.
    $previousCredId = (Get-Content -LiteralPath $previousCredIdPath -Raw).Trim()
    Get-DfnsCredential -Connection $connection -Kind Key |
        Where-Object { $_.CredentialId -eq $previousCredId -and $_.IsActive } |
        Disable-DfnsCredential -Connection $connection -Confirm:$false
}

if ($result.Status -in @('Completed', 'AlreadyCompleted') -and (Test-Path -LiteralPath $nextPath)) {
    Remove-Item -LiteralPath $nextPath -Force -Confirm:$false
}

# One line, never a key: the credId and the key's thumbprint are public names.
[pscustomobject]@{
    Status            = $result.Status
    OldCredentialUuid = $result.OldCredentialUuid
    NewCredentialUuid = $result.NewCredentialUuid
    NewCredId         = $result.NewCredId
    Algorithm         = $result.Algorithm
    KeyFile           = $KeyPath
}
