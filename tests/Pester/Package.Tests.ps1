#Requires -Version 5.1
# Pester 5 tests for the package (./build.ps1 Package: out/packages/PsCredRotate.<version>.nupkg) and
# for a cheap import. The package is built when it is missing or older than the staged module.
# Installing and importing run in fresh child PowerShell processes, so this session's modules and
# repository registrations are untouched.
# Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeAll {
    $repoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = $env:PSCREDROTATE_MODULE
    if ([string]::IsNullOrEmpty($modulePath)) {
        $modulePath = Join-Path $repoRoot 'out/PsCredRotate/PsCredRotate.psd1'
    }
    $modulePath = (Resolve-Path -LiteralPath $modulePath).Path
    $stagedDir = Split-Path -Path $modulePath -Parent
    $stagedManifest = Import-PowerShellDataFile -LiteralPath $modulePath
    $version = [string]$stagedManifest.ModuleVersion
    if (-not [string]::IsNullOrEmpty($stagedManifest.PrivateData.PSData['Prerelease'])) {
        $version = $version + '-' + $stagedManifest.PrivateData.PSData['Prerelease']
    }
    $onWindows = $PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows

    # The PowerShell running this, as a command line for a child process. A dotnet tool install of
    # pwsh runs as 'dotnet pwsh.dll', so the child is started the same way.
    function Get-ChildShellCommand {
        $process = (Get-Process -Id $PID).Path
        if ([System.IO.Path]::GetFileNameWithoutExtension($process) -in @('pwsh', 'powershell')) {
            return , @($process)
        }
        return , @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }

    # Runs a script file in a fresh PowerShell (-NoProfile) with extra environment variables and
    # returns the last line of output that is JSON, parsed.
    function Invoke-ChildScript {
        param([string] $Script, [hashtable] $Environment = @{}, [string[]] $Arguments = @())

        $file = Join-Path ([System.IO.Path]::GetTempPath()) ('psr-child-' + [guid]::NewGuid().ToString('n') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script -Encoding UTF8
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $command = Get-ChildShellCommand
            $exe = $command[0]
            $prefix = @($command | Select-Object -Skip 1)
            $output = & $exe @prefix -NoProfile -NonInteractive -File $file @Arguments 2>&1
            $exit = $LASTEXITCODE
        }
        finally {
            foreach ($name in $saved.Keys) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
            Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
        }

        $json = @($output | ForEach-Object { "$_" } | Where-Object { $_ -like '{*' }) | Select-Object -Last 1
        if ($exit -ne 0 -or $null -eq $json) {
            throw ("The child PowerShell failed (exit $exit):`n" + (($output | ForEach-Object { "$_" }) -join "`n"))
        }
        return $json | ConvertFrom-Json
    }

    # The package: built by build.ps1 Package unless one at least as new as the staged module exists.
    $packageDir = Join-Path $repoRoot 'out/packages'
    $packagePath = Join-Path $packageDir ('PsCredRotate.' + $version + '.nupkg')
    $newestStaged = Get-ChildItem -LiteralPath $stagedDir -Recurse -File | Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1
    if (-not (Test-Path -LiteralPath $packagePath) -or (Get-Item -LiteralPath $packagePath).LastWriteTimeUtc -lt $newestStaged.LastWriteTimeUtc) {
        $command = Get-ChildShellCommand
        $exe = $command[0]
        $prefix = @($command | Select-Object -Skip 1)
        $buildOutput = & $exe @prefix -NoProfile -NonInteractive -File (Join-Path $repoRoot 'build.ps1') Package 2>&1
        if ($LASTEXITCODE -ne 0) {
            throw ("build.ps1 Package failed:`n" + (($buildOutput | ForEach-Object { "$_" }) -join "`n"))
        }
    }

    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    $zip = [System.IO.Compression.ZipFile]::OpenRead($packagePath)
    try {
        $entries = @($zip.Entries | ForEach-Object { $_.FullName })
        $reader = New-Object System.IO.StreamReader ($zip.GetEntry('PsCredRotate.nuspec').Open())
        try { [xml]$nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
    }
    finally {
        $zip.Dispose()
    }
    $packagingEntries = @('PsCredRotate.nuspec', '[Content_Types].xml', '_rels/.rels')
    $moduleEntries = @($entries | Where-Object { $packagingEntries -notcontains $_ -and $_ -notlike 'package/*' } | Sort-Object)

    $stagedCmdletCount = @($stagedManifest.CmdletsToExport).Count
}

Describe 'The package built by build.ps1 Package' {
    It 'is out/packages/PsCredRotate.<version>.nupkg for the staged version' {
        $packagePath | Should -Exist
        Split-Path -Path $packagePath -Leaf | Should -BeExactly "PsCredRotate.$version.nupkg"
    }

    It 'holds exactly the staged module folder, besides the package metadata' {
        $staged = @(Get-ChildItem -LiteralPath $stagedDir -Recurse -File |
            ForEach-Object { $_.FullName.Substring($stagedDir.Length + 1).Replace('\', '/') } | Sort-Object)

        ($moduleEntries -join ',') | Should -BeExactly ($staged -join ',')
    }

    It 'holds the manifest, both module assemblies, the format file and the en-US Get-Help file at the root' {
        foreach ($required in @('PsCredRotate.psd1', 'PsCredRotate.dll', 'PsCredRotate.Core.dll', 'BouncyCastle.Crypto.dll',
                'System.Text.Json.dll', 'PsCredRotate.format.ps1xml', 'en-US/PsCredRotate.dll-Help.xml')) {
            $moduleEntries | Should -Contain $required
        }
    }

    It 'holds neither PowerShell''s own assembly nor symbols, test assemblies or build leftovers' {
        $junk = @($moduleEntries | Where-Object {
                $_ -like '*System.Management.Automation*' -or $_ -like '*.pdb' -or $_ -like '*Tests*' -or
                $_ -like '*xunit*' -or $_ -like '*.deps.json' -or $_ -like '*.runtimeconfig.json' -or
                $_ -like '*HelpBuilder*' -or $_ -like '*Emulator*' -or $_ -like '*Benchmark*' -or $_ -like 'obj/*' -or $_ -like 'bin/*' })

        $junk | Should -BeNullOrEmpty
    }

    It 'carries the gallery metadata of the manifest in its nuspec' {
        $metadata = $nuspec.package.metadata

        $metadata.id | Should -BeExactly 'PsCredRotate'
        $metadata.version | Should -BeExactly $version
        $metadata.authors | Should -BeExactly $stagedManifest.Author
        $metadata.description | Should -BeExactly $stagedManifest.Description
        $metadata.projectUrl | Should -BeExactly $stagedManifest.PrivateData.PSData.ProjectUri
        $metadata.licenseUrl | Should -BeExactly $stagedManifest.PrivateData.PSData.LicenseUri
        $metadata.releaseNotes | Should -BeExactly $stagedManifest.PrivateData.PSData.ReleaseNotes
        $metadata.copyright | Should -BeExactly $stagedManifest.Copyright
        $tags = $metadata.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSEdition_Core'
        $tags | Should -Contain 'PSEdition_Desktop'
    }

    It 'installs with Install-PSResource from a local repository, and the installed copy imports and works' -Skip:$onWindows {
        # HOME points to an empty temporary folder, so the child's repository registration and its
        # CurrentUser module folder are its own; this user's are untouched.
        $fakeHome = Join-Path ([System.IO.Path]::GetTempPath()) ('psr-home-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $fakeHome | Out-Null
        try {
            $result = Invoke-ChildScript -Environment @{ HOME = $fakeHome; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null } -Arguments @($packageDir, $version) -Script @'
param($PackageDir, $Version)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
Register-PSResourceRepository -Name PsCredRotateLocal -Uri $PackageDir -Trusted
Install-PSResource -Name PsCredRotate -Version $Version -Repository PsCredRotateLocal -Scope CurrentUser -TrustRepository -Quiet
$module = Import-Module -Name PsCredRotate -PassThru
$jwk = New-RotationKey -Algorithm ES256 | Export-RotationKey -PublicOnly -Format Jwk
$installed = Get-InstalledPSResource -Name PsCredRotate
[Console]::Out.WriteLine((@{
    ModuleBase = $module.ModuleBase
    Version = $module.Version.ToString()
    Commands = @(Get-Command -Module PsCredRotate).Count
    InstalledLocation = $installed.InstalledLocation
    Jwk = [string]$jwk
    Core = [System.IO.Path]::GetDirectoryName(([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PsCredRotate.Core' }).Location)
} | ConvertTo-Json -Compress))
'@

            $result.ModuleBase | Should -BeLike ($fakeHome + '*')
            $result.Version | Should -Be ($version -replace '-.*$', '')
            $result.Commands | Should -Be $stagedCmdletCount
            $result.Core | Should -BeExactly $result.ModuleBase
            ($result.Jwk | ConvertFrom-Json).crv | Should -BeExactly 'P-256'
            ($result.Jwk | ConvertFrom-Json).PSObject.Properties.Name | Should -Not -Contain 'd'
        }
        finally {
            Remove-Item -LiteralPath $fakeHome -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'saves with Save-PSResource from a local repository into a folder, and the saved copy imports' {
        $target = Join-Path ([System.IO.Path]::GetTempPath()) ('psr-save-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $target | Out-Null
        try {
            $result = Invoke-ChildScript -Arguments @($packageDir, $version, $target) -Script @'
param($PackageDir, $Version, $Target)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
$repository = 'PsCredRotateLocal' + [guid]::NewGuid().ToString('n')
Register-PSResourceRepository -Name $repository -Uri $PackageDir -Trusted
try {
    Save-PSResource -Name PsCredRotate -Version $Version -Repository $repository -Path $Target -TrustRepository -Quiet
}
finally {
    Unregister-PSResourceRepository -Name $repository
}
$manifest = Get-ChildItem -LiteralPath $Target -Recurse -Filter PsCredRotate.psd1 | Select-Object -First 1
$module = Import-Module -Name $manifest.FullName -PassThru
[Console]::Out.WriteLine((@{
    ModuleBase = $module.ModuleBase
    Commands = @(Get-Command -Module PsCredRotate).Count
    Files = @(Get-ChildItem -LiteralPath $module.ModuleBase -Recurse -File | ForEach-Object { $_.Name })
} | ConvertTo-Json -Compress))
'@

            $result.ModuleBase | Should -BeLike ($target + '*')
            $result.Commands | Should -Be $stagedCmdletCount
            $result.Files | Should -Not -Contain 'System.Management.Automation.dll'
        }
        finally {
            Remove-Item -LiteralPath $target -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Importing the module in a fresh PowerShell' {
    BeforeAll {
        $probe = @'
param($ModulePath)
$ErrorActionPreference = 'Stop'
$before = @{}
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies()) { $before[$a.GetName().Name] = $true }
Import-Module -Name $ModulePath
$afterImport = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } | Where-Object { -not $before.ContainsKey($_) })
$null = New-RotationKey -Algorithm RS256 -Certificate
$afterFirstUse = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name })
[Console]::Out.WriteLine((@{ AfterImport = $afterImport; AfterFirstUse = $afterFirstUse; HttpBefore = $before.ContainsKey('System.Net.Http') } | ConvertTo-Json -Compress))
'@
        $loading = Invoke-ChildScript -Script $probe -Arguments @($modulePath)
    }

    It 'loads the module''s two assemblies and not BouncyCastle' {
        $loading.AfterImport | Should -Contain 'PsCredRotate'
        $loading.AfterImport | Should -Contain 'PsCredRotate.Core'
        @($loading.AfterImport | Where-Object { $_ -like 'BouncyCastle*' }) | Should -BeNullOrEmpty
    }

    It 'does not load the HTTP stack (PowerShell itself may have loaded it before)' {
        $loading.AfterImport | Should -Not -Contain 'System.Net.Http'
    }

    It 'loads BouncyCastle on first use of key material, so the check above can see it' {
        $loading.AfterFirstUse | Should -Contain 'BouncyCastle.Crypto'
    }
}

Describe 'The assembly resolve handler' {
    BeforeAll {
        # The handler is hooked on Windows PowerShell only; here it is invoked directly, through
        # reflection, with the module's real files, as the runtime would invoke it.
        $probe = @'
param($ModulePath)
$ErrorActionPreference = 'Stop'
$module = Import-Module -Name $ModulePath -PassThru
$type = [PsCredRotate.Loading.ModuleAssemblyInitializer]
$flags = [System.Reflection.BindingFlags]'NonPublic, Static'
$registration = $type.GetField('Registration', $flags).GetValue($null)
$handler = $type.GetMethod('OnAssemblyResolve', $flags)
function Resolve([string] $name) {
    $resolveArgs = [System.ResolveEventArgs]::new($name)
    $result = $handler.Invoke($null, [object[]]@($null, $resolveArgs))
    if ($null -eq $result) { return '' }
    return $result.Location
}
[Console]::Out.WriteLine((@{
    IsNetFramework = [bool]$type.GetProperty('IsNetFramework', $flags).GetValue($null)
    ImportsCounted = $registration.Imports
    ModuleBase = $module.ModuleBase
    LowerBouncyCastle = Resolve 'BouncyCastle.Crypto, Version=1.8.9.0, Culture=neutral, PublicKeyToken=0e99375e54769942'
    NewerBouncyCastle = Resolve 'BouncyCastle.Crypto, Version=2.0.0.0, Culture=neutral, PublicKeyToken=0e99375e54769942'
    NotShipped = Resolve 'Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed'
} | ConvertTo-Json -Compress))
'@
        $handler = Invoke-ChildScript -Script $probe -Arguments @($modulePath)
    }

    It 'hooks nothing on PowerShell 7, where the runtime serves the dependencies' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
        $handler.IsNetFramework | Should -BeFalse
        $handler.ImportsCounted | Should -Be 0
    }

    It 'answers a request for a lower version of a shipped dependency with the module''s own file' {
        $handler.LowerBouncyCastle | Should -BeExactly (Join-Path $handler.ModuleBase 'BouncyCastle.Crypto.dll')
    }

    It 'leaves a newer version and assemblies the module does not ship to others' {
        $handler.NewerBouncyCastle | Should -BeNullOrEmpty
        $handler.NotShipped | Should -BeNullOrEmpty
    }
}
