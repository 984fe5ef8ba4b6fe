using System;
using PsCredRotate.Core.Terraform;

namespace PsCredRotate.Core.Tests.Terraform;

public class HclWriterTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("line1\nline2\r\tend", "\"line1\\nline2\\r\\tend\"")]
    [InlineData("${var.x}", "\"$${var.x}\"")]
    [InlineData("%{ if true }", "\"%%{ if true }\"")]
    [InlineData("cost $5 and 100%", "\"cost $5 and 100%\"")]
    [InlineData("bell\u0007", "\"bell\\u0007\"")]
    [InlineData("ünïcødé", "\"ünïcødé\"")]
    public void A_string_literal_escapes_quotes_backslashes_control_characters_and_template_sequences(string value, string expected)
    {
        Assert.Equal(expected, HclWriter.Quote(value));
    }

    [Fact]
    public void Consecutive_attributes_are_aligned_on_the_equals_sign_as_terraform_fmt_does()
    {
        string text = new HclWriter()
            .BeginBlock("resource", "auth0_client_credentials", "app")
            .Attribute("client_id", "abc")
            .Attribute("authentication_method", "private_key_jwt")
            .BlankLine()
            .BeginBlock("private_key_jwt")
            .Attribute("flag", true)
            .EndBlock()
            .EndBlock()
            .ToString();

        Assert.Equal(
            "resource \"auth0_client_credentials\" \"app\" {\n"
            + "  client_id             = \"abc\"\n"
            + "  authentication_method = \"private_key_jwt\"\n"
            + "\n"
            + "  private_key_jwt {\n"
            + "    flag = true\n"
            + "  }\n"
            + "}\n",
            text);
    }

    [Fact]
    public void A_heredoc_keeps_the_text_byte_for_byte_at_column_zero_with_a_final_newline()
    {
        string pem = "-----BEGIN PUBLIC KEY-----\r\nMIIB\r\n-----END PUBLIC KEY-----";
        string text = new HclWriter().BeginBlock("c").Attribute("name", "n").Heredoc("pem", pem).EndBlock().ToString();

        Assert.Equal(
            "c {\n  name = \"n\"\n  pem  = <<EOT\n-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\nEOT\n}\n",
            text);
    }

    [Fact]
    public void A_heredoc_delimiter_is_chosen_so_that_no_line_of_the_text_ends_it_early()
    {
        string text = new HclWriter().BeginBlock("c").Heredoc("v", "a\nEOT\n  EOT1\nb\n").EndBlock().ToString();

        Assert.Contains("v = <<EOT2\na\nEOT\n  EOT1\nb\nEOT2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heredoc_escapes_template_sequences()
    {
        string text = new HclWriter().BeginBlock("c").Heredoc("v", "${x} %{y}").EndBlock().ToString();

        Assert.Contains("$${x} %%{y}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_comment_is_one_hash_line_per_line()
    {
        Assert.Equal("# one\n#\n# two\n", new HclWriter().Comment("one\n\ntwo").ToString());
    }

    [Theory]
    [InlineData("client_id", true)]
    [InlineData("_x-1", true)]
    [InlineData("1abc", false)]
    [InlineData("-abc", false)]
    [InlineData("a b", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    public void Identifiers_follow_the_hcl_rules(string name, bool valid)
    {
        Assert.Equal(valid, HclWriter.IsIdentifier(name));
    }

    [Theory]
    [InlineData("Billing API (prod)", "billing_api_prod")]
    [InlineData("2fa-service", "_2fa-service")]
    [InlineData("***", "fallback")]
    [InlineData(null, "fallback")]
    public void Any_text_becomes_a_resource_name(string? text, string expected)
    {
        Assert.Equal(expected, HclWriter.ToIdentifier(text, "fallback"));
    }

    [Fact]
    public void An_attribute_name_that_is_not_an_identifier_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new HclWriter().Attribute("bad name", "x"));
    }

    [Fact]
    public void Text_with_an_open_block_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new HclWriter().BeginBlock("a").ToString());
    }
}
