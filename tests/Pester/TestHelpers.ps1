#Requires -Version 5.1
# Shared helpers for the Pester tests of the Auth0 cmdlets. Dot-source it in a BeforeAll:
#     . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
# It imports the built module and runs the emulator (src/PsCredRotate.Emulator, built by
# ./build.ps1 Build) as a child process on a free loopback port, with the admin area on.
# The file name does not end in .Tests.ps1, so Pester does not run it as a test file.

# The API the seeded clients have a grant for: the audience of every verification token.
$TestApi = 'https://api.example.com'
$TestManagementClientId = 'emulator-management-client'
$TestManagementSecret = 'emulator-management-secret-change-me'

function Import-TestModule {
    $modulePath = $env:PSCREDROTATE_MODULE
    if ([string]::IsNullOrEmpty($modulePath)) {
        $modulePath = Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'
    }
    Import-Module -Name $modulePath -Force -ErrorAction Stop
}

function Get-TestEmulatorPath {
    $dll = $env:PSCREDROTATE_EMULATOR
    if ([string]::IsNullOrEmpty($dll)) {
        $dll = Join-Path $PSScriptRoot '../../src/PsCredRotate.Emulator/bin/Release/net8.0/PsCredRotate.Emulator.dll'
    }
    if (-not (Test-Path -LiteralPath $dll)) {
        throw "The emulator is not built: $dll is missing (run ./build.ps1 Build)."
    }
    return (Resolve-Path -LiteralPath $dll).Path
}

# A TCP port on the loopback interface that nothing listens on right now.
function Get-FreeLoopbackPort {
    $listener = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try {
        return ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
    }
    finally {
        $listener.Stop()
    }
}

# Starts the emulator as a child process on a free loopback port (its output goes to files, so it
# never blocks on a full pipe) and waits until it answers. Returns an object with BaseUrl
# (http://127.0.0.1:PORT), Domain (127.0.0.1:PORT), Process and Baseline (the seeded state).
# Always pair with Stop-TestEmulator (in AfterAll).
function Start-TestEmulator {
    param(
        [string] $SeedPath,
        [int] $TimeoutSeconds = 60,
        # Also serve the Dfns API surface (--dfns).
        [switch] $Dfns
    )

    $dll = Get-TestEmulatorPath
    $logDir = Join-Path ([System.IO.Path]::GetTempPath()) ('pscredrotate-emulator-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $logDir -Force | Out-Null
    $outFile = Join-Path $logDir 'stdout.txt'
    $errFile = Join-Path $logDir 'stderr.txt'
    $baseUrl = 'http://127.0.0.1:' + (Get-FreeLoopbackPort)

    # Start-Process joins the arguments with spaces and does not quote them: quote paths here.
    $arguments = @(('"' + $dll + '"'), '--urls', $baseUrl, '--admin')
    if (-not [string]::IsNullOrEmpty($SeedPath)) {
        $arguments += @('--seed', ('"' + $SeedPath + '"'))
    }
    if ($Dfns) {
        $arguments += '--dfns'
    }

    # net8.0 rolls forward to the newest installed runtime.
    $env:DOTNET_ROLL_FORWARD = 'Major'
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -NoNewWindow -PassThru `
        -RedirectStandardOutput $outFile -RedirectStandardError $errFile

    # Ready when the admin area answers (it prints 'ready <url>' at the same moment).
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        try {
            Invoke-WebRequest -Uri ($baseUrl + '/_emulator/clock') -UseBasicParsing -TimeoutSec 5 | Out-Null
            break
        }
        catch {
            if ($process.HasExited) {
                $err = Get-Content -LiteralPath $errFile -Raw -ErrorAction SilentlyContinue
                throw "The emulator exited with code $($process.ExitCode) before it was ready: $err"
            }
            if ([DateTime]::UtcNow -gt $deadline) {
                Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                throw "The emulator did not answer at $baseUrl within $TimeoutSeconds seconds."
            }
            Start-Sleep -Milliseconds 100
        }
    }

    $emulator = [pscustomobject]@{
        BaseUrl  = $baseUrl
        Domain   = $baseUrl.Substring('http://'.Length)
        Process  = $process
        LogDir   = $logDir
        Baseline = $null
    }
    # The seeded state, put back before each test with Restore-TestEmulator. Restoring a snapshot
    # (unlike POST /_emulator/reset) keeps the signing keys, so a connection's token stays valid.
    $emulator.Baseline = Get-EmulatorSnapshot -Emulator $emulator
    return $emulator
}

function Stop-TestEmulator {
    param($Emulator)

    if ($null -eq $Emulator) {
        return
    }
    if (-not $Emulator.Process.HasExited) {
        Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue
        $Emulator.Process.WaitForExit(10000) | Out-Null
    }
    Remove-Item -LiteralPath $Emulator.LogDir -Recurse -Force -ErrorAction SilentlyContinue
}

# Calls the emulator's admin area (/_emulator/...). $Body is converted to JSON.
function Invoke-EmulatorAdmin {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [string] $Method,
        [Parameter(Mandatory = $true)] [string] $Path,
        $Body
    )

    $request = @{
        Uri             = $Emulator.BaseUrl + '/_emulator/' + $Path
        Method          = $Method
        UseBasicParsing = $true
    }
    if ($null -ne $Body) {
        $request.ContentType = 'application/json; charset=utf-8'
        $request.Body = ConvertTo-Json -InputObject $Body -Depth 10 -Compress
    }
    return Invoke-WebRequest @request
}

# The whole tenant state as JSON text: equal text before and after means nothing changed.
function Get-EmulatorSnapshot {
    param([Parameter(Mandatory = $true)] $Emulator)

    return [string](Invoke-EmulatorAdmin -Emulator $Emulator -Method Get -Path 'snapshot').Content
}

function Restore-TestEmulator {
    param([Parameter(Mandatory = $true)] $Emulator)

    $request = @{
        Uri             = $Emulator.BaseUrl + '/_emulator/snapshot'
        Method          = 'Put'
        ContentType     = 'application/json; charset=utf-8'
        Body            = $Emulator.Baseline
        UseBasicParsing = $true
    }
    Invoke-WebRequest @request | Out-Null
}

# Makes the token endpoint refuse assertions signed with this kid (401 invalid_client).
function Add-TokenRefusal {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [string] $Kid
    )

    Invoke-EmulatorAdmin -Emulator $Emulator -Method Post -Path 'token-refusals' -Body @{ kid = $Kid } | Out-Null
}

function Clear-TokenRefusals {
    param([Parameter(Mandatory = $true)] $Emulator)

    Invoke-EmulatorAdmin -Emulator $Emulator -Method Delete -Path 'token-refusals' | Out-Null
}

# A connection to the emulator with its management client (not the session default unless asked).
function Connect-TestTenant {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [switch] $AsDefault
    )

    $secret = ConvertTo-SecureString -String $TestManagementSecret -AsPlainText -Force
    return Connect-Auth0Tenant -Domain $Emulator.BaseUrl -ClientId $TestManagementClientId `
        -ClientSecret $secret -NoDefault:(-not $AsDefault)
}

# One seeded client. $Attached keys are attached to private_key_jwt; $Stored keys are only stored.
# Without keys the client authenticates with the secret $Secret (client_secret_post).
function New-TestClientSeed {
    param(
        [Parameter(Mandatory = $true)] [string] $ClientId,
        [Parameter(Mandatory = $true)] [string] $Name,
        [object[]] $Attached = @(),
        [object[]] $Stored = @(),
        [string] $Secret
    )

    $client = [ordered]@{
        client_id   = $ClientId
        name        = $Name
        app_type    = 'non_interactive'
        grant_types = @('client_credentials')
    }
    if (-not [string]::IsNullOrEmpty($Secret)) {
        $client.client_secret = $Secret
        $client.token_endpoint_auth_method = 'client_secret_post'
    }
    if (@($Attached).Count -gt 0) {
        $inline = @()
        foreach ($key in $Attached) {
            $inline += [ordered]@{ credential_type = 'public_key'; name = ('attached ' + $key.Kid.Substring(0, 8)); pem = $key.PublicKeyPem; alg = 'RS256' }
        }
        $client.client_authentication_methods = @{ private_key_jwt = @{ credentials = $inline } }
    }
    if (@($Stored).Count -gt 0) {
        $pool = @()
        foreach ($key in $Stored) {
            $pool += [ordered]@{ credential_type = 'public_key'; name = ('stored ' + $key.Kid.Substring(0, 8)); pem = $key.PublicKeyPem; alg = 'RS256' }
        }
        $client.credentials = $pool
    }
    return $client
}

# Writes a seed file with the clients and, for each of them, a grant on the test API (so a token
# can be requested for it when a key is verified). Returns the path.
function New-TestSeedFile {
    param(
        [Parameter(Mandatory = $true)] [object[]] $Clients,
        [Parameter(Mandatory = $true)] [string] $Path,
        # More client grants, e.g. @{ client_id = 'x'; audience = '{tenant}/api/v2/'; scope = @('read:clients') }
        [object[]] $Grants = @()
    )

    $allGrants = @()
    foreach ($client in $Clients) {
        $allGrants += [ordered]@{ client_id = $client.client_id; audience = $TestApi; scope = @('read:data') }
    }
    $allGrants += $Grants
    $seed = [ordered]@{
        clients          = @($Clients)
        resource_servers = @([ordered]@{ identifier = $TestApi; name = 'Pester API'; scopes = @('read:data') })
        client_grants    = $allGrants
    }
    ConvertTo-Json -InputObject $seed -Depth 10 | Set-Content -LiteralPath $Path -Encoding UTF8
    return $Path
}

# Runs a command and returns the first error it raises, or $null. Non-terminating errors become
# terminating under 'Stop', and the caught record keeps its FullyQualifiedErrorId.
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

# Runs a command with every stream captured and returns all of it as one string: the objects
# (formatted as a list of all properties and as JSON), errors, warnings, verbose, debug and
# information records. Used to prove that no secret appears anywhere.
function Get-AllOutputText {
    param([scriptblock] $Command)

    # Compiled cmdlets take these from the caller's scope: no -Debug needed (which would prompt on 5.1).
    $VerbosePreference = 'Continue'
    $DebugPreference = 'Continue'
    $InformationPreference = 'Continue'
    $WarningPreference = 'Continue'
    $records = New-Object System.Collections.Generic.List[object]
    try {
        & $Command *>&1 | ForEach-Object { $records.Add($_) }
    }
    catch {
        # A terminating error ends the command; its record is output too.
        $records.Add($_)
    }
    $parts = New-Object System.Collections.Generic.List[string]
    foreach ($record in $records) {
        if ($null -eq $record) {
            continue
        }
        if ($record -is [System.Management.Automation.ErrorRecord]) {
            $parts.Add($record.FullyQualifiedErrorId)
            $parts.Add($record.ToString())
            $parts.Add([string]$record.Exception)
            $parts.Add([string]$record.TargetObject)
        }
        else {
            $parts.Add([string]$record)
            $parts.Add(($record | Format-List -Property * | Out-String -Width 500))
            try {
                $parts.Add((ConvertTo-Json -InputObject $record -Depth 2 -WarningAction SilentlyContinue))
            }
            catch {
                # An object that cannot be serialized shows nothing this way.
                $parts.Add('')
            }
        }
    }
    return ($parts -join "`n")
}

# The lines of a PEM body that carry private key material (any one of them is enough to tell).
function Get-PrivateKeyLines {
    param([Parameter(Mandatory = $true)] $Key)

    $pem = Export-RotationKey -Key $Key -AsPlainText
    return @($pem -split '\r?\n' | Where-Object { $_.Length -ge 40 -and $_ -notmatch '-----' })
}

# A client's credentials as the emulator holds them (read from its state, not through the module
# under test): Id, Kid, Attached (in private_key_jwt), ExpiresAt.
function Get-ServerCredential {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [string] $ClientId
    )

    $state = Get-EmulatorSnapshot -Emulator $Emulator | ConvertFrom-Json
    $client = @($state.Clients | Where-Object { $_.ClientId -ceq $ClientId })
    if ($client.Count -ne 1) {
        throw "The emulator has no client '$ClientId'."
    }
    $attached = @()
    $methods = $client[0].AuthenticationMethods
    if ($null -ne $methods -and $null -ne $methods.PSObject.Properties['private_key_jwt']) {
        $attached = @($methods.private_key_jwt)
    }
    foreach ($credential in @($client[0].Credentials)) {
        if ($null -eq $credential) {
            continue
        }
        [pscustomobject]@{
            Id        = $credential.Id
            Kid       = $credential.Kid
            Attached  = ($attached -contains $credential.Id)
            ExpiresAt = $credential.ExpiresAt
        }
    }
}

# The kids a client has attached (sorted), from the emulator's state.
function Get-AttachedKid {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [string] $ClientId
    )

    return @(Get-ServerCredential -Emulator $Emulator -ClientId $ClientId | Where-Object { $_.Attached } | ForEach-Object { $_.Kid } | Sort-Object)
}

# Every kid a client stores, attached or not (sorted), from the emulator's state.
function Get-StoredKid {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [string] $ClientId
    )

    return @(Get-ServerCredential -Emulator $Emulator -ClientId $ClientId | ForEach-Object { $_.Kid } | Sort-Object)
}

# Runs a command with no session default connection, returns its first error, then connects the
# session default again.
function Get-ErrorWhenNotConnected {
    param(
        [Parameter(Mandatory = $true)] $Emulator,
        [Parameter(Mandatory = $true)] [scriptblock] $Command
    )

    Disconnect-Auth0Tenant
    try {
        return Get-FirstError -Command $Command
    }
    finally {
        Connect-TestTenant -Emulator $Emulator -AsDefault | Out-Null
    }
}

# Anything that looks like a JWT (an access token or a client assertion): header.payload.signature.
$JwtPattern = 'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.'
