using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PsCredRotate.Emulator.Tests.Infrastructure;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class HttpsTests
{
    [Fact]
    public async Task With_https_the_emulator_serves_TLS_with_the_certificate_it_wrote_to_cert_out()
    {
        string certOut = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.pem");
        try
        {
            await using RunningEmulator emulator = await RunningEmulator.StartAsync(o =>
            {
                o.Https = true;
                o.CertOut = certOut;
            });
            Assert.Equal("https", emulator.BaseAddress.Scheme);
            Assert.Equal("127.0.0.1", emulator.BaseAddress.Host);

            string pem = await File.ReadAllTextAsync(certOut);
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", pem, StringComparison.Ordinal);
            using X509Certificate2 written = X509Certificate2.CreateFromPem(pem);
            Assert.False(written.HasPrivateKey);

            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                {
                    seen = certificate?.GetCertHashString(HashAlgorithmName.SHA256);
                    return seen == written.GetCertHashString(HashAlgorithmName.SHA256);
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = emulator.BaseAddress };
            using HttpResponseMessage response = await client.GetAsync(new Uri("api/v2/nothing", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}", await response.Content.ReadAsStringAsync());
            Assert.Equal(written.GetCertHashString(HashAlgorithmName.SHA256), seen);
        }
        finally
        {
            File.Delete(certOut);
        }
    }

    [Fact]
    public async Task A_client_that_trusts_only_the_system_store_refuses_the_certificate()
    {
        await using RunningEmulator emulator = await RunningEmulator.StartAsync(o => o.Https = true);
        SslPolicyErrors? errors = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, _, _, e) =>
            {
                errors = e;
                return e == SslPolicyErrors.None;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = emulator.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("api/v2/nothing", UriKind.Relative)));
        Assert.True(errors!.Value.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void The_certificate_names_the_loopback_host_and_lives_30_days()
    {
        using X509Certificate2 certificate = Emulator.Infrastructure.SelfSignedCertificate.Create();
        Assert.True(certificate.HasPrivateKey);
        using (ECDsa? key = certificate.GetECDsaPublicKey())
        {
            Assert.NotNull(key);
            Assert.Equal(256, key!.KeySize);
        }

        Assert.InRange(certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.False(certificate.MatchesHostname("example.com"));
        X509EnhancedKeyUsageExtension eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal("1.3.6.1.5.5.7.3.1", eku.EnhancedKeyUsages[0].Value);
    }

    [Fact]
    public async Task Https_takes_the_http_urls_as_https()
    {
        var options = EmulatorOptions.Parse(new[] { "--https", "--urls", "http://127.0.0.1:0" });
        await using Microsoft.AspNetCore.Builder.WebApplication app = EmulatorHost.Build(options);
        Assert.Equal("https://127.0.0.1:0", options.Urls);
    }
}
