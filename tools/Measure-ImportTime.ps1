#Requires -Version 5.1
<#
.SYNOPSIS
    Measures what Import-Module PsCredRotate costs in a fresh PowerShell process.

.DESCRIPTION
    Starts fresh `<shell> -NoProfile -NonInteractive` processes, alternating between a baseline (the
    same probe script without the import) and one that imports the staged module, -Count times each, and reports:
      - the median wall time of both and their difference (the import's cost as a user sees it);
      - the median time of Import-Module itself, measured inside the process with a stopwatch, and
        the same for a stub module holding only an empty format file (PowerShell rebuilds its format
        tables for the first format file of a session, a cost any module with views pays);
      - the CPU time (all threads) the process spent in Import-Module, for both: on a busy machine
        wall times swell with the load, CPU time much less;
      - the assemblies that were first loaded during the import, and whether BouncyCastle or
        System.Net.Http are among them (they must not be: key material and HTTP load on first use).
    System.Net.Http may already be loaded by PowerShell itself before any module (pwsh 7.6 loads it
    at startup); the report says so rather than blaming the module.
    Runs on PowerShell 7 and Windows PowerShell 5.1 (-Shell powershell). Not part of the test suite:
    timings depend on the machine. docs/compatibility.md has the figures measured here.

.EXAMPLE
    pwsh -NoProfile -File tools/Measure-ImportTime.ps1 -Count 15

.EXAMPLE
    pwsh -NoProfile -File tools/Measure-ImportTime.ps1 -Shell powershell -AsJson
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PsCredRotate/PsCredRotate.psd1'),
    [ValidateRange(1, 200)]
    [int] $Count = 11,
    # The PowerShell to start: by default the one running this script (or pwsh on PATH when this
    # one runs as a dotnet tool, whose process is dotnet).
    [string] $Shell,
    [switch] $AsJson
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$manifest = (Resolve-Path -LiteralPath $ModulePath).Path

if ([string]::IsNullOrEmpty($Shell)) {
    $Shell = (Get-Process -Id $PID).Path
    if ([System.IO.Path]::GetFileNameWithoutExtension($Shell) -notin @('pwsh', 'powershell')) {
        $onPath = Get-Command -Name pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($null -eq $onPath) {
            throw "This PowerShell runs inside '$Shell'; name the PowerShell to measure with -Shell."
        }
        $Shell = $onPath.Path
    }
}

# Prints the import's own time and the assemblies it loaded, as one line of JSON on stdout.
$probe = @'
$before = @{}
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) { $before[$a.GetName().Name] = $true }
$self = [System.Diagnostics.Process]::GetCurrentProcess()
$cpu = $self.TotalProcessorTime
$sw = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module -Name '@MODULE@' -ErrorAction Stop
$sw.Stop()
$self.Refresh()
$cpuMs = ($self.TotalProcessorTime - $cpu).TotalMilliseconds
$loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } | Where-Object { -not $before.ContainsKey($_) } | Sort-Object -Unique)
$result = @{ ImportMs = $sw.Elapsed.TotalMilliseconds; ImportCpuMs = $cpuMs; Loaded = $loaded; HttpBefore = $before.ContainsKey('System.Net.Http'); Version = $PSVersionTable.PSVersion.ToString() }
[Console]::Out.WriteLine(($result | ConvertTo-Json -Compress))
'@.Replace('@MODULE@', $manifest.Replace("'", "''"))

function Invoke-Fresh {
    param([string] $Command)
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $Shell -NoProfile -NonInteractive -Command $Command
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) {
        throw "$Shell exited with $LASTEXITCODE for: $Command"
    }
    [pscustomobject]@{ WallMs = $sw.Elapsed.TotalMilliseconds; Output = $output }
}

function Get-Median {
    param([double[]] $Values)
    $sorted = @($Values | Sort-Object)
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2 -eq 1) { return $sorted[$mid] }
    return ($sorted[$mid - 1] + $sorted[$mid]) / 2
}

# The baseline runs the same script without the import, so only Import-Module differs.
$baselineProbe = $probe.Replace("Import-Module -Name '" + $manifest.Replace("'", "''") + "' -ErrorAction Stop", '$null = 0')
if ($baselineProbe -eq $probe) {
    throw 'The baseline probe still imports the module.'
}

# A stub module with an empty format file: what PowerShell charges any module that has views (the
# first format file of a session makes it rebuild its format tables), for comparison.
$stubDir = Join-Path ([System.IO.Path]::GetTempPath()) ('psr-import-stub-' + [guid]::NewGuid().ToString('n'))
New-Item -ItemType Directory -Path $stubDir | Out-Null
Set-Content -LiteralPath (Join-Path $stubDir 'Stub.format.ps1xml') -Encoding ASCII -Value '<?xml version="1.0" encoding="utf-8"?><Configuration><ViewDefinitions></ViewDefinitions></Configuration>'
Set-Content -LiteralPath (Join-Path $stubDir 'Stub.psd1') -Encoding ASCII -Value "@{ ModuleVersion = '1.0'; FormatsToProcess = @('Stub.format.ps1xml'); FunctionsToExport = @(); CmdletsToExport = @() }"
$stubProbe = $probe.Replace("Import-Module -Name '" + $manifest.Replace("'", "''") + "' -ErrorAction Stop", "Import-Module -Name '" + (Join-Path $stubDir 'Stub.psd1').Replace("'", "''") + "' -ErrorAction Stop")

# One warm-up of each, so disk caches do not count against the first sample.
Invoke-Fresh -Command $baselineProbe | Out-Null
Invoke-Fresh -Command $probe | Out-Null

$baseline = New-Object System.Collections.Generic.List[double]
$withImport = New-Object System.Collections.Generic.List[double]
$importOnly = New-Object System.Collections.Generic.List[double]
$stubImport = New-Object System.Collections.Generic.List[double]
$importCpu = New-Object System.Collections.Generic.List[double]
$stubCpu = New-Object System.Collections.Generic.List[double]
$loadedSets = New-Object System.Collections.Generic.List[string[]]
$httpBefore = $false
$version = ''
for ($i = 0; $i -lt $Count; $i++) {
    $baseline.Add((Invoke-Fresh -Command $baselineProbe).WallMs)
    $run = Invoke-Fresh -Command $probe
    $withImport.Add($run.WallMs)
    $json = @($run.Output) | Where-Object { $_ -like '{*' } | Select-Object -Last 1
    $data = $json | ConvertFrom-Json
    $importOnly.Add([double]$data.ImportMs)
    $importCpu.Add([double]$data.ImportCpuMs)
    $loadedSets.Add([string[]]@($data.Loaded))
    $httpBefore = $httpBefore -or [bool]$data.HttpBefore
    $version = $data.Version
    $stub = Invoke-Fresh -Command $stubProbe
    $stubData = @($stub.Output) | Where-Object { $_ -like '{*' } | Select-Object -Last 1 | ConvertFrom-Json
    $stubImport.Add([double]$stubData.ImportMs)
    $stubCpu.Add([double]$stubData.ImportCpuMs)
}
Remove-Item -LiteralPath $stubDir -Recurse -Force

$loadedAlways = @($loadedSets[0] | Where-Object { $name = $_; @($loadedSets | Where-Object { $_ -notcontains $name }).Count -eq 0 })
$loadedEver = @($loadedSets | ForEach-Object { $_ } | Sort-Object -Unique)
$forbidden = @($loadedEver | Where-Object { $_ -like 'BouncyCastle*' -or $_ -eq 'System.Net.Http' })

$report = [pscustomobject]@{
    Shell                       = $Shell
    PSVersion                   = $version
    Samples                     = $Count
    BaselineMedianMs            = [Math]::Round((Get-Median $baseline.ToArray()), 1)
    WithImportMedianMs          = [Math]::Round((Get-Median $withImport.ToArray()), 1)
    ImportCostMedianMs          = [Math]::Round((Get-Median $withImport.ToArray()) - (Get-Median $baseline.ToArray()), 1)
    ImportModuleMedianMs        = [Math]::Round((Get-Median $importOnly.ToArray()), 1)
    FormatOnlyStubImportMedianMs = [Math]::Round((Get-Median $stubImport.ToArray()), 1)
    ImportModuleCpuMedianMs     = [Math]::Round((Get-Median $importCpu.ToArray()), 1)
    FormatOnlyStubCpuMedianMs   = [Math]::Round((Get-Median $stubCpu.ToArray()), 1)
    LoadAverage                 = $(if (Test-Path -LiteralPath '/proc/loadavg') { (Get-Content -LiteralPath '/proc/loadavg' -Raw).Trim() } else { '' })
    LoadedByImport              = $loadedAlways
    LoadedByImportSometimes     = @($loadedEver | Where-Object { $loadedAlways -notcontains $_ })
    SystemNetHttpLoadedBefore   = $httpBefore
    BouncyCastleOrHttpLoaded    = $forbidden
}

if ($AsJson) {
    $report | ConvertTo-Json
}
else {
    $report | Format-List | Out-String -Width 200 | Write-Output
}

if ($forbidden.Count -gt 0) {
    Write-Warning ('The import loaded ' + ($forbidden -join ', ') + ': these must load on first use only.')
    exit 1
}
exit 0
