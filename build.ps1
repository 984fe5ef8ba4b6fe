#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests and cleans PsCredRotate.

.DESCRIPTION
    Tasks run in the order given:
      Build  dotnet build of the solution; the build stages the finished module into out/PsCredRotate/
             (manifest with the version from Directory.Build.props, DLLs from an explicit list, format file).
      Test   dotnet test of the solution (which builds and stages first), then, when Pester 5 is
             installed, the Pester tests in tests/Pester/ in a child PowerShell process that imports
             out/PsCredRotate, so this session never loads (and locks) the module's DLLs.
      Clean  dotnet clean and removal of out/.
      Demo   Build, then start the local Auth0 emulator from its built dll on a free loopback port and
             run the main job (docs/examples/Rotate-ClientCredential.ps1, driven by
             docs/examples/Invoke-RotationDemo.ps1) against it in a child PowerShell process; the
             emulator is always stopped afterwards.
      Package Build, then Publish-PSResource of out/PsCredRotate/ to a throwaway local folder repository
             in out/packages/ (registered for the publish and unregistered afterwards), leaving
             out/packages/PsCredRotate.<version>.nupkg, which Install-PSResource accepts. Needs
             Microsoft.PowerShell.PSResourceGet (in-box in PowerShell 7.4+; on Windows PowerShell
             Install-Module Microsoft.PowerShell.PSResourceGet).
    Runs on PowerShell 7 and Windows PowerShell 5.1. Exits with 0 on success, 1 on any failure.

.EXAMPLE
    ./build.ps1 Build

.EXAMPLE
    ./build.ps1 Clean, Test -Configuration Debug

.EXAMPLE
    pwsh ./build.ps1 Demo

.EXAMPLE
    pwsh ./build.ps1 Package
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Clean', 'Demo', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$RepoRoot = $PSScriptRoot
$Solution = Join-Path $RepoRoot 'PsCredRotate.sln'
$OutDir = Join-Path $RepoRoot 'out'
$StagedModule = Join-Path $OutDir 'PsCredRotate'
$PesterTests = Join-Path (Join-Path $RepoRoot 'tests') 'Pester'
$Examples = Join-Path (Join-Path $RepoRoot 'docs') 'examples'
$PackageDir = Join-Path $OutDir 'packages'

function Invoke-Native {
    param(
        [Parameter(Mandatory = $true)] [string] $FilePath,
        [string[]] $ArgumentList = @()
    )

    Write-Host ('>> ' + $FilePath + ' ' + ($ArgumentList -join ' ')) -ForegroundColor Cyan
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw ('{0} failed with exit code {1}.' -f $FilePath, $LASTEXITCODE)
    }
}

function Get-ChildPowerShell {
    # pwsh first (PowerShell 7), then Windows PowerShell.
    foreach ($name in @('pwsh', 'powershell')) {
        $command = Get-Command -Name $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($null -ne $command) {
            return $command.Path
        }
    }

    return $null
}

function Invoke-BuildTask {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration, '--nologo')
    $manifest = Join-Path $StagedModule 'PsCredRotate.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "The build did not stage the module: $manifest is missing."
    }

    Write-Host "Module staged in $StagedModule" -ForegroundColor Green
}

function Invoke-TestTask {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('test', $Solution, '-c', $Configuration, '--nologo')

    $shell = Get-ChildPowerShell
    if ($null -eq $shell) {
        Write-Warning 'Pester tests skipped: neither pwsh nor powershell is on PATH.'
        return
    }

    & $shell -NoProfile -NonInteractive -Command 'if (Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 }) { exit 0 } else { exit 3 }'
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "Pester tests skipped: Pester 5 is not installed for $shell (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser)."
        return
    }

    $runner = Join-Path $PesterTests 'Invoke-ModuleTests.ps1'
    $results = Join-Path (Join-Path $OutDir 'TestResults') 'Pester.xml'
    Invoke-Native -FilePath $shell -ArgumentList @(
        '-NoProfile', '-NonInteractive', '-File', $runner,
        '-ModulePath', (Join-Path $StagedModule 'PsCredRotate.psd1'),
        '-EmulatorPath', (Get-EmulatorPath),
        '-ResultPath', $results)
}

function Get-EmulatorPath {
    $srcDir = Join-Path $RepoRoot 'src'
    $projectDir = Join-Path $srcDir 'PsCredRotate.Emulator'
    return [System.IO.Path]::Combine($projectDir, 'bin', $Configuration, 'net8.0', 'PsCredRotate.Emulator.dll')
}

# Starts the emulator as a child process on a free loopback port with the admin area on (its output
# goes to out/emulator/, so it never blocks on a full pipe), and waits until it answers.
function Start-Emulator {
    $dll = Get-EmulatorPath
    if (-not (Test-Path -LiteralPath $dll)) {
        throw "The emulator is not built: $dll is missing."
    }

    $logDir = Join-Path $OutDir 'emulator'
    New-Item -ItemType Directory -Path $logDir -Force | Out-Null
    $outFile = Join-Path $logDir 'stdout.txt'
    $errFile = Join-Path $logDir 'stderr.txt'

    $listener = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
    $listener.Stop()
    $baseUrl = 'http://127.0.0.1:' + $port

    # net8.0 rolls forward to the newest installed runtime. Start-Process does not quote arguments.
    $env:DOTNET_ROLL_FORWARD = 'Major'
    $process = Start-Process -FilePath 'dotnet' -NoNewWindow -PassThru `
        -ArgumentList @(('"' + $dll + '"'), '--urls', $baseUrl, '--admin') `
        -RedirectStandardOutput $outFile -RedirectStandardError $errFile

    # Ready when the admin area answers (the emulator prints 'ready <url>' at the same moment).
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        try {
            Invoke-WebRequest -Uri ($baseUrl + '/_emulator/clock') -UseBasicParsing -TimeoutSec 5 | Out-Null
            Write-Host "Emulator (process $($process.Id)) ready at $baseUrl" -ForegroundColor Green
            return [pscustomobject]@{ Process = $process; BaseUrl = $baseUrl }
        }
        catch {
            if ($process.HasExited) {
                throw ('The emulator exited with code {0}: {1}' -f $process.ExitCode, (Get-Content -LiteralPath $errFile -Raw -ErrorAction SilentlyContinue))
            }
            if ([DateTime]::UtcNow -gt $deadline) {
                Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                throw "The emulator did not answer at $baseUrl within 60 seconds."
            }
            Start-Sleep -Milliseconds 100
        }
    }
}

function Stop-Emulator {
    param($Emulator)

    if ($null -ne $Emulator -and -not $Emulator.Process.HasExited) {
        Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue
        $Emulator.Process.WaitForExit(10000) | Out-Null
        Write-Host "Emulator (process $($Emulator.Process.Id)) stopped"
    }
}

function Invoke-DemoTask {
    Invoke-BuildTask

    $shell = Get-ChildPowerShell
    if ($null -eq $shell) {
        throw 'The demo runs in a child PowerShell: neither pwsh nor powershell is on PATH.'
    }

    $emulator = Start-Emulator
    try {
        Invoke-Native -FilePath $shell -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-File', (Join-Path $Examples 'Invoke-RotationDemo.ps1'),
            '-BaseUrl', $emulator.BaseUrl,
            '-ModulePath', (Join-Path $StagedModule 'PsCredRotate.psd1'))
    }
    finally {
        Stop-Emulator -Emulator $emulator
    }
}

# The staged module as a .nupkg, made by PSResourceGet itself (Publish-PSResource to a local folder
# repository), so the gallery client's own validation and packing apply.
function Invoke-PackageTask {
    Invoke-BuildTask

    $psResourceGet = Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet | Sort-Object -Property Version -Descending | Select-Object -First 1
    if ($null -eq $psResourceGet) {
        throw 'Package needs Microsoft.PowerShell.PSResourceGet (in-box in PowerShell 7.4+; Install-Module Microsoft.PowerShell.PSResourceGet).'
    }
    Import-Module -Name $psResourceGet.Path -ErrorAction Stop

    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $StagedModule 'PsCredRotate.psd1')
    $version = [string]$manifest.ModuleVersion
    $prerelease = $manifest.PrivateData.PSData['Prerelease']
    if (-not [string]::IsNullOrEmpty($prerelease)) {
        $version = $version + '-' + $prerelease
    }

    New-Item -ItemType Directory -Path $PackageDir -Force | Out-Null
    Get-ChildItem -LiteralPath $PackageDir -Filter 'PsCredRotate.*.nupkg' | Remove-Item -Force

    $repository = 'PsCredRotateBuild-' + [guid]::NewGuid().ToString('n')
    Register-PSResourceRepository -Name $repository -Uri $PackageDir -Trusted
    try {
        Publish-PSResource -Path $StagedModule -Repository $repository -ErrorAction Stop
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }

    $package = Join-Path $PackageDir ('PsCredRotate.' + $version + '.nupkg')
    if (-not (Test-Path -LiteralPath $package)) {
        throw "Publish-PSResource did not produce $package."
    }

    Write-Host "Package: $package" -ForegroundColor Green
}

function Invoke-CleanTask {
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('clean', $Solution, '-c', $Configuration, '--nologo', '-v', 'quiet')
    if (Test-Path -LiteralPath $OutDir) {
        Remove-Item -LiteralPath $OutDir -Recurse -Force
        Write-Host "Removed $OutDir"
    }
}

try {
    foreach ($name in $Task) {
        Write-Host "== $name ($Configuration)" -ForegroundColor Yellow
        switch ($name) {
            'Build' { Invoke-BuildTask }
            'Test' { Invoke-TestTask }
            'Clean' { Invoke-CleanTask }
            'Demo' { Invoke-DemoTask }
            'Package' { Invoke-PackageTask }
        }
    }
}
catch {
    Write-Host ('build.ps1 ' + ($Task -join ',') + ' failed: ' + $_.Exception.Message) -ForegroundColor Red
    exit 1
}

exit 0
