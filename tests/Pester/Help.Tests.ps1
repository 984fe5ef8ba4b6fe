#Requires -Version 5.1
# Pester 5 tests of what Get-Help shows for the built module: every exported cmdlet has a synopsis
# and at least two examples (from out/PsCredRotate/en-US/PsCredRotate.dll-Help.xml, generated from
# docs/cmdlets), and the about topics are found both when the module is imported by path and when it
# is only on PSModulePath (Get-Help searches the en-US folder of loaded modules and of the modules on
# PSModulePath). Run: ./build.ps1 Test, or pwsh -NoProfile -File tests/Pester/Invoke-ModuleTests.ps1

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
