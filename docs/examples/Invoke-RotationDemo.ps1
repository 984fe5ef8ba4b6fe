#Requires -Version 5.1
<#
.SYNOPSIS
    Runs Rotate-ClientCredential.ps1 against a running emulator and shows that it worked.

.DESCRIPTION
    `./build.ps1 Demo` starts the emulator (default tenant, admin area on) and runs this script in a
    child PowerShell. It:

      1. plays the application: makes its current key, saves it where the application reads it
         (<WorkDir>/keys/emulator-sample-m2m.pem), and sets the emulator's sample machine-to-machine
         client up for private_key_jwt with that key as its one attached credential (through the
         Management API, with the emulator's management client);
      2. runs Rotate-ClientCredential.ps1 with -WhatIf and checks that the tenant did not change;
      3. runs it for real, connected from AUTH0_DOMAIN / AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET;
      4. checks the result as the application sees it: the key file now holds a new key that gets a
         token, the old key no longer does, and the client has one credential, the new one.

    Exits 0 when every check holds, 1 otherwise. Only emulator credentials are used; the script
    prints kids (public key thumbprints), never a key, secret or token.

.EXAMPLE
    pwsh ./build.ps1 Demo
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $BaseUrl,

    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'),

    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) ('pscredrotate-demo-' + [guid]::NewGuid().ToString('N'))),

    # The emulator's documented defaults (docs/emulator.md): a local tenant, not a real secret.
    [string] $ManagementClientId = 'emulator-management-client',
    [string] $ManagementClientSecret = 'emulator-management-secret-change-me'
)

$ErrorActionPreference = 'Stop'
Import-Module -Name $ModulePath -Force

$clientId = 'emulator-sample-m2m'
$audience = 'https://api.example.com'
$domain = ([uri]$BaseUrl).Authority
$keyDir = Join-Path $WorkDir 'keys'
$keyFile = Join-Path $keyDir ($clientId + '.pem')
$example = Join-Path $PSScriptRoot 'Rotate-ClientCredential.ps1'
$failed = 0

function Write-Step {
    param([string] $Text)
    Write-Host ''
    Write-Host ('== ' + $Text) -ForegroundColor Yellow
}

function Confirm-Check {
    param([string] $Text, [bool] $Condition)
    if ($Condition) {
        Write-Host ('   ok    ' + $Text) -ForegroundColor Green
    }
    else {
        Write-Host ('   FAIL  ' + $Text) -ForegroundColor Red
        $script:failed++
    }
}

# Tables as wide as they need to be (a child process formats for 80 columns otherwise).
function Show-Table {
    $input | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
}

function Get-Snapshot {
    return [string](Invoke-WebRequest -Uri ($BaseUrl + '/_emulator/snapshot') -UseBasicParsing).Content
}

function Test-KeyGetsToken {
    param($Key)
    $result = Test-ClientCredential -ClientId $clientId -Key $Key -Audience $audience -Connection $connection
    return [bool]$result.Success
}

New-Item -ItemType Directory -Path $keyDir -Force | Out-Null
try {
    Write-Step "Set up: the sample client on $BaseUrl signs in with one key"
    $oldKey = New-RotationKey -Name 'demo-app-key-1'
    Export-RotationKey -Key $oldKey -Path $keyFile | Out-Null

    $tokenRequest = @{
        grant_type    = 'client_credentials'
        client_id     = $ManagementClientId
        client_secret = $ManagementClientSecret
        audience      = 'https://' + $domain + '/api/v2/'
    }
    $management = Invoke-RestMethod -Method Post -Uri ($BaseUrl + '/oauth/token') -Body $tokenRequest
    $headers = @{ Authorization = 'Bearer ' + $management.access_token }
    $management = $null

    $credentialBody = @{ credential_type = 'public_key'; name = 'demo-app-key-1'; pem = $oldKey.PublicKeyPem; alg = 'RS256' }
    $credential = Invoke-RestMethod -Method Post -Uri ($BaseUrl + "/api/v2/clients/$clientId/credentials") -Headers $headers `
        -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $credentialBody)
    $methods = @{ client_authentication_methods = @{ private_key_jwt = @{ credentials = @(@{ id = $credential.id }) } } }
    Invoke-RestMethod -Method Patch -Uri ($BaseUrl + "/api/v2/clients/$clientId") -Headers $headers `
        -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $methods -Depth 5) | Out-Null
    $headers = $null

    # The runbook reads its connection from the environment, as in an automation account.
    $env:AUTH0_DOMAIN = $BaseUrl
    $env:AUTH0_CLIENT_ID = $ManagementClientId
    $env:AUTH0_CLIENT_SECRET = $ManagementClientSecret
    Remove-Item -Path Env:AUTH0_PRIVATE_KEY_PATH -ErrorAction SilentlyContinue

    $connection = Connect-Auth0Tenant -NoDefault
    Get-ClientCredential -ClientId $clientId -Connection $connection | Select-Object -Property Kid, Name, Attached, ExpiresAt | Show-Table
    Confirm-Check "the application's key $($oldKey.Kid) gets a token" (Test-KeyGetsToken -Key $oldKey)

    Write-Step 'Rotate-ClientCredential.ps1 -WhatIf: the plan, and nothing changes'
    $before = Get-Snapshot
    Get-Auth0Client -ClientId $clientId -Connection $connection |
        & $example -KeyPath $keyDir -Audience $audience -WhatIf | Show-Table
    $after = Get-Snapshot
    Confirm-Check 'the tenant is unchanged' ($before -eq $after)
    Confirm-Check 'the key file still holds the old key' ((Import-RotationKey -Path $keyFile).Kid -eq $oldKey.Kid)

    Write-Step 'Rotate-ClientCredential.ps1: rotate, deploy to the key file, retire the old key'
    # The runbook exits 1 when a client failed; exit sets the global LASTEXITCODE.
    $global:LASTEXITCODE = 0
    Get-Auth0Client -ClientId $clientId -Connection $connection |
        & $example -KeyPath $keyDir -Audience $audience -ExpiresInDays 30 | Show-Table
    Confirm-Check 'the runbook succeeded' ($global:LASTEXITCODE -eq 0)

    Write-Step 'As the application sees it'
    $newKey = Import-RotationKey -Path $keyFile
    $credentials = @(Get-ClientCredential -ClientId $clientId -Connection $connection)
    $credentials | Select-Object -Property Kid, Name, Attached, ExpiresAt | Show-Table
    Confirm-Check "the key file holds a new key ($($newKey.Kid))" ($newKey.Kid -ne $oldKey.Kid)
    Confirm-Check 'the new key gets a token' (Test-KeyGetsToken -Key $newKey)
    Confirm-Check 'the old key no longer does' (-not (Test-KeyGetsToken -Key $oldKey))
    Confirm-Check 'the client holds one credential, the new one, attached' (
        $credentials.Count -eq 1 -and $credentials[0].Kid -eq $newKey.Kid -and $credentials[0].Attached)
}
catch {
    Write-Host ('Demo failed: {0} ({1})' -f $_.Exception.Message, $_.FullyQualifiedErrorId) -ForegroundColor Red
    $failed++
}
finally {
    Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction SilentlyContinue
}

Write-Host ''
if ($failed -gt 0) {
    Write-Host "Demo: $failed check(s) failed." -ForegroundColor Red
    exit 1
}
Write-Host 'Demo: the client was rotated with no moment without a working key.' -ForegroundColor Green
exit 0
