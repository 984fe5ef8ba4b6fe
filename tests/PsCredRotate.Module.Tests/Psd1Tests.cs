using System;
using System.Collections.Generic;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>The manifest reader reads what manifests hold and refuses what it cannot read exactly.</summary>
public sealed class Psd1Tests
{
    [Fact]
    public void Strings_arrays_and_nested_tables_are_read_and_comments_are_skipped()
    {
        const string Text = """
            # ModuleVersion = '9.9.9'
            <# CmdletsToExport = @('Fake-Thing') #>
            @{
                ModuleVersion = '1.2.3' # trailing comment
                CmdletsToExport = @(
                    'Get-A'
                    'Set-B', 'It''s'
                )
                AliasesToExport = @()
                'Quoted Key' = $true; Other = $null
                PrivateData = @{ PSData = @{ Tags = @('x') } }
            }
            """;

        Dictionary<string, object?> m = Psd1.Parse(Text);

        Assert.Equal("1.2.3", m["moduleversion"]);
        Assert.Equal(new object?[] { "Get-A", "Set-B", "It's" }, (List<object?>)m["CmdletsToExport"]!);
        Assert.Empty((List<object?>)m["AliasesToExport"]!);
        Assert.Equal(true, m["Quoted Key"]);
        Assert.Null(m["Other"]);
        var psData = (Dictionary<string, object?>)((Dictionary<string, object?>)m["PrivateData"]!)["PSData"]!;
        Assert.Equal(new object?[] { "x" }, (List<object?>)psData["Tags"]!);
    }

    [Theory]
    [InlineData("@{ A = \"expands $x\" }")]
    [InlineData("@{ A = 1 }")]
    [InlineData("@{ A = $env:USERNAME }")]
    [InlineData("@{ A = 'x'; a = 'y' }")]
    [InlineData("@{ A = 'unterminated }")]
    [InlineData("@{ A = 'x' } trailing")]
    public void What_the_reader_cannot_read_exactly_is_refused(string text) =>
        Assert.Throws<FormatException>(() => Psd1.Parse(text));
}
