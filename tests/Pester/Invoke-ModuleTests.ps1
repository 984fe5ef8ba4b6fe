#Requires -Version 5.1
<#
.SYNOPSIS
    Runs the Pester 5 tests in this folder against a built PsCredRotate module.

.DESCRIPTION
    build.ps1 Test runs this in a child PowerShell process. It can also be run by hand after
    ./build.ps1 Build:  pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1
    The tests of the Auth0 cmdlets start the emulator (-EmulatorPath, the built
    PsCredRotate.Emulator.dll) as a child process on a free loopback port, one per test file.
    Exits with the number of failed tests (0 when all pass).
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'),
    [string] $EmulatorPath = (Join-Path $PSScriptRoot '../../src/PsCredRotate.Emulator/bin/Release/net8.0/PsCredRotate.Emulator.dll'),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../out/TestResults/Pester.xml')
)

$ErrorActionPreference = 'Stop'

$pester = Get-Module -ListAvailable -Name Pester |
    Where-Object { $_.Version.Major -ge 5 } |
    Sort-Object -Property Version -Descending |
    Select-Object -First 1
if ($null -eq $pester) {
    Write-Error 'Pester 5 is required: Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser'
    exit 1
}

Import-Module -Name $pester.Path -Force

# The tests import the module from here.
$env:PSCREDROTATE_MODULE = (Resolve-Path -LiteralPath $ModulePath).Path
# The emulator the Auth0 cmdlet tests run against (see TestHelpers.ps1).
$env:PSCREDROTATE_EMULATOR = $EmulatorPath

$resultDir = Split-Path -Path $ResultPath -Parent
if (-not (Test-Path -LiteralPath $resultDir)) {
    New-Item -ItemType Directory -Path $resultDir -Force | Out-Null
}

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.Exit = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $ResultPath
Invoke-Pester -Configuration $config
