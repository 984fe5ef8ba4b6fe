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
    Runs on PowerShell 7 and Windows PowerShell 5.1. Exits with 0 on success, 1 on any failure.

.EXAMPLE
    ./build.ps1 Build

.EXAMPLE
    ./build.ps1 Clean, Test -Configuration Debug
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Clean')]
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
        '-ResultPath', $results)
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
        }
    }
}
catch {
    Write-Host ('build.ps1 ' + ($Task -join ',') + ' failed: ' + $_.Exception.Message) -ForegroundColor Red
    exit 1
}

exit 0
