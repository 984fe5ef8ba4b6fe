using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PsCredRotate.Emulator.Tests.Operations;

/// <summary>The emulator as a process: exit codes and the ready line.</summary>
public sealed class ProgramTests
{
    private static Process Start(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "PsCredRotate.Emulator.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    [Fact]
    public async Task A_bad_faults_file_ends_the_process_with_exit_code_2_and_says_why()
    {
        string file = Path.Combine(Path.GetTempPath(), $"faults-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "[{\"match\":\"GET /x\",\"kind\":\"status500\",\"probability\":2}]");
        try
        {
            using Process process = Start("--faults", file);
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(2, process.ExitCode);
            Assert.Contains("'probability' must be between 0 and 1", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_https_the_process_prints_an_https_ready_line_and_serves_the_certificate_it_wrote()
    {
        string certOut = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.pem");
        using Process process = Start("--https", "--urls", "https://127.0.0.1:0", "--cert-out", certOut);
        try
        {
            string? ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(ready);
            Assert.Matches("^ready https://127\\.0\\.0\\.1:[0-9]+$", ready);

            using X509Certificate2 trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certOut));
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                    certificate?.GetCertHashString(HashAlgorithmName.SHA256) == trusted.GetCertHashString(HashAlgorithmName.SHA256),
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(ready!["ready ".Length..] + "/") };
            using HttpResponseMessage response = await client.GetAsync(new Uri("api/v2/nothing", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(certOut);
        }
    }
}
