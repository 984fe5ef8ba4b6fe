#Requires -Version 5.1
# Pester 5 tests of what Get-Help shows for the built module: every exported cmdlet has a synopsis
# and at least two examples (from out/PsCredRotate/en-US/PsCredRotate.dll-Help.xml, generated from
# docs/cmdlets), and the about topics are found both when the module is imported by path and when it
# is only on PSModulePath (Get-Help searches the en-US folder of loaded modules and of the modules on
# PSModulePath). The code in docs/guides and the about topics calls only exported cmdlets with their
# real parameters, and the runnable guide examples (docs/guides/**/*.Tests.ps1) pass against the
# emulator. Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

BeforeDiscovery {
    $modulePath = $env:PSCREDROTATE_MODULE
    if ([string]::IsNullOrEmpty($modulePath)) {
        $modulePath = Join-Path $PSScriptRoot '../../out/PsCredRotate/PsCredRotate.psd1'
    }
    $manifest = Import-PowerShellDataFile -Path $modulePath
    $cmdlets = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    $topics = @(
        @{ Topic = 'about_PsCredRotate'; Expect = 'PROVIDERS' },
        @{ Topic = 'about_PsCredRotate_Rotation'; Expect = 'THE GUARDS' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $module = Get-Module -Name PsCredRotate
    $exported = @($module.ExportedCmdlets.Keys)
    $listed = @((Import-PowerShellDataFile -Path (Join-Path $module.ModuleBase 'PsCredRotate.psd1')).CmdletsToExport)
}

Describe 'Get-Help for every exported cmdlet' {
    It 'exports the cmdlets the manifest lists (at least 39)' {
        $exported.Count | Should -BeGreaterOrEqual 39
        (@($listed | Sort-Object) -join ',') | Should -BeExactly (@($exported | Sort-Object) -join ',')
    }

    It '<Name> has a synopsis and at least two examples with code' -TestCases $cmdlets {
        param($Name)

        $help = Get-Help -Name $Name -Full
        $examples = @((Get-Help -Name $Name -Examples).examples.example)

        # Without a help file Get-Help makes up a synopsis from the syntax ("Name [-Param] ...").
        [string]$help.Synopsis | Should -Not -BeNullOrEmpty
        ([string]$help.Synopsis).Trim() | Should -Not -BeLike "$Name *"
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            [string]$example.code | Should -Not -BeNullOrEmpty
            [string]$example.title | Should -Not -BeNullOrEmpty
        }
        ($examples.code -join "`n") | Should -Match ([regex]::Escape($Name))
    }

    It '<Name> documents every parameter Get-Command reports' -TestCases $cmdlets {
        param($Name)

        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $compiled = @((Get-Command -Name $Name).Parameters.Keys | Where-Object { $common -notcontains $_ } | Sort-Object)
        $documented = @((Get-Help -Name $Name -Full).parameters.parameter | ForEach-Object { [string]$_.name } |
            Where-Object { $common -notcontains $_ } | Sort-Object)

        ($documented -join ',') | Should -BeExactly ($compiled -join ',')
    }
}

Describe 'The about topics' {
    It 'Get-Help <Topic> shows the topic with the module imported by path' -TestCases $topics {
        param($Topic, $Expect)

        $text = Get-Help -Name $Topic | Out-String

        $text | Should -Match "TOPIC\s+$Topic\b"
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'SEE ALSO'
        $text | Should -Match $Expect
    }

    It 'Get-Help about_PsCredRotate* lists both topics' {
        $names = @(Get-Help -Name 'about_PsCredRotate*' | ForEach-Object { [string]$_.Name }) | Sort-Object -Unique

        ($names -join ',') | Should -BeExactly 'about_PsCredRotate,about_PsCredRotate_Rotation'
    }

    It 'Get-Help finds the topics of the module on PSModulePath, without importing it' {
        # A fresh runspace (its own module table: PsCredRotate is not imported there) while
        # PSModulePath holds the folder the staged module is in.
        $moduleRoot = Split-Path -Path $module.ModuleBase -Parent
        if ((Split-Path -Path $module.ModuleBase -Leaf) -as [version]) {
            # A versioned layout: <root>/PsCredRotate/<version>/.
            $moduleRoot = Split-Path -Path $moduleRoot -Parent
        }
        $saved = $env:PSModulePath
        $shell = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        try {
            $env:PSModulePath = $moduleRoot + [System.IO.Path]::PathSeparator + $saved
            $null = $shell.AddScript('@((Get-Module -Name PsCredRotate) -ne $null) + @(Get-Help about_PsCredRotate | Out-String) + @(Get-Help about_PsCredRotate_Rotation | Out-String)')
            $result = @($shell.Invoke())
        }
        finally {
            $env:PSModulePath = $saved
            $shell.Dispose()
        }

        $result[0] | Should -BeFalse
        [string]$result[1] | Should -Match 'TOPIC\s+about_PsCredRotate\s'
        [string]$result[2] | Should -Match 'TOPIC\s+about_PsCredRotate_Rotation\s'
    }
}

Describe 'The code in the guides and the about topics' {
    BeforeAll {
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $commands = @{}
        foreach ($name in $exported) {
            $commands[$name] = Get-Command -Name $name -Module PsCredRotate
        }

        # Code to check: the powershell blocks of docs/guides/*.md, the runnable files under
        # docs/guides/, and the indented example lines of the about topics.
        $snippets = New-Object System.Collections.Generic.List[object]
        foreach ($file in Get-ChildItem -Path (Join-Path $repo 'docs/guides') -Filter '*.md') {
            $blocks = [regex]::Matches((Get-Content -LiteralPath $file.FullName -Raw), '(?ms)^```powershell\r?\n(.*?)^```')
            foreach ($block in $blocks) {
                $snippets.Add([pscustomobject]@{ Source = $file.Name; Code = $block.Groups[1].Value })
            }
        }
        foreach ($file in Get-ChildItem -Path (Join-Path $repo 'docs/guides') -Recurse -Filter '*.ps1') {
            $snippets.Add([pscustomobject]@{ Source = $file.Name; Code = (Get-Content -LiteralPath $file.FullName -Raw) })
        }
        foreach ($file in Get-ChildItem -Path (Join-Path $module.ModuleBase 'en-US') -Filter 'about_*.help.txt') {
            $block = New-Object System.Collections.Generic.List[string]
            foreach ($line in (Get-Content -LiteralPath $file.FullName) + '') {
                if ($line -match '^ {8}\S' -or ($block.Count -gt 0 -and $line -match '^ {9,}')) {
                    $block.Add($line)
                }
                elseif ($block.Count -gt 0) {
                    $snippets.Add([pscustomobject]@{ Source = $file.Name; Code = ($block -join "`n") })
                    $block.Clear()
                }
            }
        }

        # Every call of a PsCredRotate cmdlet, and of anything that looks like one, with its named parameters.
        $calls = foreach ($snippet in $snippets) {
            $tokens = $null
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($snippet.Code, [ref]$tokens, [ref]$errors)
            foreach ($command in $ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $command.GetCommandName()
                if ($name -match '^[A-Za-z]+-(Auth0|Dfns|Oidc|ClientCredential|ClientSecret|ClientAssertion|RotationKey|SigningKey|ConnectionKey|ExpiringCredential|WebhookSignature)') {
                    [pscustomobject]@{
                        Source     = $snippet.Source
                        Name       = $name
                        Parameters = @($command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
                    }
                }
            }
        }
    }

    It 'call PsCredRotate cmdlets (the guides are not empty of them)' {
        @($calls).Count | Should -BeGreaterThan 50
        @($calls | Select-Object -ExpandProperty Source -Unique).Count | Should -BeGreaterOrEqual 6
    }

    It 'use only cmdlets the module exports, with parameters they have' {
        $problems = foreach ($call in $calls) {
            $command = $commands[$call.Name]
            if ($null -eq $command) {
                "$($call.Source): $($call.Name) is not a PsCredRotate cmdlet"
                continue
            }
            foreach ($parameter in $call.Parameters) {
                $known = @($command.Parameters.Values | Where-Object { $_.Name -eq $parameter -or $_.Aliases -contains $parameter })
                if ($known.Count -eq 0) {
                    # PowerShell also binds a unique prefix.
                    $known = @($command.Parameters.Values | Where-Object { $_.Name -like "$parameter*" })
                }
                if ($known.Count -ne 1) {
                    "$($call.Source): $($call.Name) has no parameter -$parameter"
                }
            }
        }

        ($problems -join "`n") | Should -BeNullOrEmpty
    }
}

Describe 'The runnable examples of the guides' {
    BeforeDiscovery {
        $guideTests = @(Get-ChildItem -Path (Join-Path $PSScriptRoot '../../docs/guides') -Recurse -Filter '*.Tests.ps1' |
            ForEach-Object { @{ File = $_.FullName; Name = $_.Name } })
    }

    It '<Name> passes against the emulator' -TestCases $guideTests {
        param($File, $Name)

        # A fresh runspace with its own Pester, so the nested run does not disturb this one.
        $pester = Get-Module -Name Pester
        $shell = [powershell]::Create([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault2())
        try {
            $null = $shell.AddScript({
                    param($PesterManifest, $Path)
                    Import-Module -Name $PesterManifest
                    $run = Invoke-Pester -Path $Path -PassThru -Output None
                    [pscustomobject]@{
                        Passed = $run.PassedCount
                        Failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
                        Errors = @($run.Failed | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord)" }) + @($run.Containers | Where-Object { $_.Result -eq 'Failed' } | ForEach-Object { "$($_.Item): $($_.ErrorRecord)" })
                    }
                }).AddArgument((Join-Path $pester.ModuleBase 'Pester.psd1')).AddArgument($File)
            $result = @($shell.Invoke())[-1]
        }
        finally {
            $shell.Dispose()
        }

        ($result.Errors -join "`n") | Should -BeNullOrEmpty
        $result.Failed | Should -Be 0
        $result.Passed | Should -BeGreaterThan 0
    }
}
