#Requires -Version 5.1
# Helpers for Pester-testing a PsCredRotate runbook against the local emulator
# (docs/guides/pester-testing-runbooks.md). Dot-source it in a BeforeAll:
#     . "$PSScriptRoot/EmulatorHelpers.ps1"
# The emulator is src/PsCredRotate.Emulator, built with `dotnet build -c Release`; point
# $env:PSCREDROTATE_EMULATOR at its PsCredRotate.Emulator.dll.

$EmulatorManagementClientId = 'emulator-management-client'
$EmulatorManagementSecret = 'emulator-management-secret-change-me'
$EmulatorApi = 'https://api.example.com'

# Starts the emulator on a free loopback port with the admin area on, and waits until it answers.
# Returns @{ BaseUrl; Process; Baseline } (Baseline: the seeded state, for Reset-Emulator).
function Start-Emulator {
    param([string] $SeedPath, [int] $TimeoutSeconds = 60)

    $dll = $env:PSCREDROTATE_EMULATOR
    if ([string]::IsNullOrEmpty($dll) -or -not (Test-Path -LiteralPath $dll)) {
        throw 'Set $env:PSCREDROTATE_EMULATOR to the built PsCredRotate.Emulator.dll.'
    }
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
    $listener.Stop()
    $baseUrl = "http://127.0.0.1:$port"

    $arguments = @(('"' + $dll + '"'), '--urls', $baseUrl, '--admin')
    if ($SeedPath) { $arguments += @('--seed', ('"' + $SeedPath + '"')) }
    $log = Join-Path ([System.IO.Path]::GetTempPath()) ("emulator-$port")
    $env:DOTNET_ROLL_FORWARD = 'Major'
    $process = Start-Process -FilePath dotnet -ArgumentList $arguments -PassThru -NoNewWindow `
        -RedirectStandardOutput "$log.out.txt" -RedirectStandardError "$log.err.txt"

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try {
            Invoke-RestMethod -Uri "$baseUrl/_emulator/clock" -TimeoutSec 5 | Out-Null
            break
        }
        catch {
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                throw "The emulator did not start: $(Get-Content -LiteralPath "$log.err.txt" -Raw -ErrorAction SilentlyContinue)"
            }
            Start-Sleep -Milliseconds 100
        }
    }
    $emulator = [pscustomobject]@{ BaseUrl = $baseUrl; Process = $process; Baseline = $null }
    $emulator.Baseline = Get-EmulatorSnapshot $emulator
    return $emulator
}

function Stop-Emulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue
    }
}

# The admin area: GET/POST/PUT/DELETE /_emulator/<Path>, with $Body sent as JSON.
function Invoke-EmulatorAdmin {
    param($Emulator, [string] $Method, [string] $Path, $Body)
    $request = @{ Uri = "$($Emulator.BaseUrl)/_emulator/$Path"; Method = $Method; UseBasicParsing = $true }
    if ($null -ne $Body) {
        $request.ContentType = 'application/json'
        $request.Body = ConvertTo-Json -InputObject $Body -Depth 10 -Compress
    }
    Invoke-WebRequest @request
}

# The whole tenant as JSON text: equal text before and after means nothing changed.
function Get-EmulatorSnapshot {
    param($Emulator)
    [string](Invoke-EmulatorAdmin $Emulator Get 'snapshot').Content
}

# Back to the seeded state (signing keys kept, so connections stay valid), clock and faults cleared.
function Reset-Emulator {
    param($Emulator)
    Invoke-WebRequest -Uri "$($Emulator.BaseUrl)/_emulator/snapshot" -Method Put -ContentType 'application/json' `
        -Body $Emulator.Baseline -UseBasicParsing | Out-Null
    Invoke-EmulatorAdmin $Emulator Delete 'faults' | Out-Null
    Invoke-EmulatorAdmin $Emulator Delete 'token-refusals' | Out-Null
}

# Moves the emulator's clock (credential expiry, rate-limit refill) forward.
function Move-EmulatorClock {
    param($Emulator, [int] $Seconds)
    Invoke-EmulatorAdmin $Emulator Post 'clock' @{ advanceSeconds = $Seconds } | Out-Null
}

# Adds a fault rule, e.g. 503 on the first two credential uploads.
function Add-EmulatorFault {
    param($Emulator, [string] $Match, [string] $Kind, [int] $Count = 1)
    Invoke-EmulatorAdmin $Emulator Post 'faults' @{ match = $Match; kind = $Kind; probability = 1.0; count = $Count } | Out-Null
}

# Makes the token endpoint refuse assertions signed by this kid (a key the tenant "does not know").
function Add-EmulatorTokenRefusal {
    param($Emulator, [string] $Kid)
    Invoke-EmulatorAdmin $Emulator Post 'token-refusals' @{ kid = $Kid } | Out-Null
}

# A seed file: one machine-to-machine client on private_key_jwt with $Key attached, and a grant on
# the sample API so a verification token can be issued for it.
function New-Seed {
    param([string] $ClientId, $Key, [string] $Path)
    $seed = [ordered]@{
        clients          = @([ordered]@{
                client_id                     = $ClientId
                name                          = $ClientId
                app_type                      = 'non_interactive'
                grant_types                   = @('client_credentials')
                client_authentication_methods = @{ private_key_jwt = @{ credentials = @(
                            [ordered]@{ credential_type = 'public_key'; name = 'current'; pem = $Key.PublicKeyPem; alg = 'RS256' }) } }
            })
        resource_servers = @([ordered]@{ identifier = $EmulatorApi; name = 'API'; scopes = @('read:data') })
        client_grants    = @([ordered]@{ client_id = $ClientId; audience = $EmulatorApi; scope = @('read:data') })
    }
    ConvertTo-Json -InputObject $seed -Depth 10 | Set-Content -LiteralPath $Path -Encoding UTF8
    return $Path
}
