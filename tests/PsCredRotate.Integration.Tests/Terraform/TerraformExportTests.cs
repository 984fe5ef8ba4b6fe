using System.Text.RegularExpressions;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Terraform;
using PsCredRotate.Integration.Tests.Infrastructure;

namespace PsCredRotate.Integration.Tests.Terraform;

/// <summary>ConvertTo-TerraformClientCredential's Core against the emulator: what the tenant holds after a rotation the module started, as auth0_client_credentials HCL.</summary>
public sealed class TerraformExportTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static readonly Regex Heredoc = new("pem += <<(?<d>EOT\\d*)\\n(?<pem>.*?)\\n\\k<d>\\n", RegexOptions.Singleline | RegexOptions.CultureInvariant);

    [Fact]
    public async Task After_a_started_rotation_the_hcl_holds_both_attached_keys_whose_pems_have_the_servers_kids()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-tf", attached: 1, detached: 1));
        SeededClient client = tenant["app-tf"];
        ClientCredentialRotation started = await tenant.Rotator().StartAsync(tenant.Start(client.ClientId), None);
        string before = await tenant.SnapshotTextAsync();

        ClientCredentialState state = await tenant.Connection.CredentialProvider.ReadAsync(client.ClientId, None);
        string hcl = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions { Keys = [client.AttachedKeys[0], started.NewKey!] });

        Assert.Contains("import {\n  to = auth0_client_credentials.rotation_target_app-tf\n  id = \"app-tf\"\n}", hcl, StringComparison.Ordinal);
        Assert.Contains("authentication_method = \"private_key_jwt\"", hcl, StringComparison.Ordinal);
        ClientView view = await tenant.ClientAsync(client.ClientId);
        var pems = Heredoc.Matches(hcl).Select(m => m.Groups["pem"].Value).ToList();
        Assert.Equal(2, pems.Count);
        string[] kids = pems.Select(p => KeyImporter.FromPem(p).Kid).ToArray();
        Assert.Equal(view.AttachedKids.ToArray(), kids);
        Assert.Contains("#   ", hcl, StringComparison.Ordinal);
        Assert.Contains(client.DetachedKids.Single(), hcl, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", hcl, StringComparison.Ordinal);
        Assert.Equal(before, await tenant.SnapshotTextAsync());
    }

    [Fact]
    public async Task Credentials_without_a_key_are_file_references_and_the_server_expiry_and_algorithm_are_kept()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddPrivateKeyJwtClient("app-tf2"));
        SeededClient client = tenant["app-tf2"];
        ClientCredentialState state = await tenant.Connection.CredentialProvider.ReadAsync(client.ClientId, None);
        ClientCredential attached = state.Attached.Single();

        string hcl = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions { PemDirectory = "pems" });

        Assert.Contains("file(\"${path.module}/pems/" + attached.Kid + ".pem\")", hcl, StringComparison.Ordinal);
        Assert.Contains("algorithm       = \"" + attached.Algorithm + "\"", hcl, StringComparison.Ordinal);
        if (attached.ExpiresAt is DateTimeOffset expires)
        {
            Assert.Contains(expires.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), hcl, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<<EOT", hcl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_client_is_written_with_its_method_and_without_its_secret()
    {
        await using RotationTenant tenant = await RotationTenant.StartAsync(s => s.AddSecretClient("app-tf-secret", "client_secret_basic"));
        SeededClient client = tenant["app-tf-secret"];

        string hcl = TerraformClientCredentialExporter.Write(await tenant.Connection.CredentialProvider.ReadAsync(client.ClientId, None), new TerraformClientCredentialOptions());

        Assert.Contains("authentication_method = \"client_secret_basic\"", hcl, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Secret, hcl, StringComparison.Ordinal);
    }
}
