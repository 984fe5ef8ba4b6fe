using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Tests.Http;

public sealed class RedactionTests
{
    [Fact]
    public void Sensitive_json_members_lose_their_values_and_others_stay()
    {
        string redacted = Redaction.Json("{\"client_id\":\"abc\",\"client_secret\":\"s3cr3t\\\"x\",\"nested\":{\"access_token\":\"tok\"},\"n\":5}");

        Assert.Equal("{\"client_id\":\"abc\",\"client_secret\":\"[redacted]\",\"nested\":{\"access_token\":\"[redacted]\"},\"n\":5}", redacted);
    }

    [Fact]
    public void Sensitive_form_fields_lose_their_values()
    {
        string redacted = Redaction.Form("grant_type=client_credentials&client_assertion=eyJ.a.b&client_secret=x%20y&audience=https%3A%2F%2Ft%2F");

        Assert.Equal("grant_type=client_credentials&client_assertion=[redacted]&client_secret=[redacted]&audience=https%3A%2F%2Ft%2F", redacted);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    [InlineData("Cookie")]
    public void Credential_headers_are_masked(string name) =>
        Assert.Equal(Redaction.Mask, Redaction.Header(name, "Bearer abc"));

    [Fact]
    public void Bodies_of_other_types_are_summarized_not_shown() =>
        Assert.Equal("(6 characters of text/plain)", Redaction.Body("text/plain", "secret"));
}
