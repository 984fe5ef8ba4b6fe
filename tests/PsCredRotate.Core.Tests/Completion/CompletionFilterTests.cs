using System.Linq;
using PsCredRotate.Core.Completion;

namespace PsCredRotate.Core.Tests.Completion;

public sealed class CompletionFilterTests
{
    private static readonly CompletionCandidate[] Clients =
    [
        new("abc123", "Billing API"),
        new("zz-worker", "Nightly worker"),
        new("abX999", "Archive"),
        new("qqq", null),
    ];

    [Fact]
    public void An_empty_word_offers_every_candidate_sorted_by_description()
    {
        string[] values = CompletionFilter.Filter(Clients, string.Empty).Select(c => c.Value).ToArray();

        Assert.Equal(["abX999", "abc123", "zz-worker", "qqq"], values);
    }

    [Fact]
    public void A_word_matches_the_start_of_a_value_case_insensitively()
    {
        string[] values = CompletionFilter.Filter(Clients, "AB").Select(c => c.Value).ToArray();

        Assert.Equal(["abX999", "abc123"], values);
    }

    [Fact]
    public void A_word_also_matches_inside_a_description_after_the_value_matches()
    {
        string[] values = CompletionFilter.Filter([.. Clients, new CompletionCandidate("worker-2", "Other")], "work").Select(c => c.Value).ToArray();

        Assert.Equal(["worker-2", "zz-worker"], values);
    }

    [Theory]
    [InlineData("'abc")]
    [InlineData("\"abc")]
    [InlineData("'abc'")]
    public void A_quote_the_user_started_with_is_ignored(string word)
    {
        Assert.Equal("abc123", Assert.Single(CompletionFilter.Filter(Clients, word)).Value);
    }

    [Fact]
    public void A_word_that_matches_nothing_offers_nothing()
    {
        Assert.Empty(CompletionFilter.Filter(Clients, "nomatch"));
    }

    [Fact]
    public void A_value_offered_twice_is_offered_once()
    {
        Assert.Single(CompletionFilter.Filter([new("a", "one"), new("a", "two")], null));
    }

    [Theory]
    [InlineData("abc123", "abc123")]
    [InlineData("con_oidcSample00001", "con_oidcSample00001")]
    [InlineData("https://api.example.com/", "https://api.example.com/")]
    [InlineData("with space", "'with space'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("-dash", "'-dash'")]
    [InlineData("a|b", "'a|b'")]
    [InlineData("$x", "'$x'")]
    public void A_value_is_quoted_only_when_PowerShell_would_misread_it(string value, string expected)
    {
        Assert.Equal(expected, CompletionFilter.QuoteIfNeeded(value));
    }
}
