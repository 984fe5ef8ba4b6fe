using System;
using System.Collections.Generic;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;
using PsCredRotate.Core.Terraform;

namespace PsCredRotate.Core.Tests.Terraform;

public class TerraformClientCredentialExporterTests
{
    private static readonly Lazy<RotationKey> KeyA = new(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.RS256 }));
    private static readonly Lazy<RotationKey> KeyB = new(() => KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.PS256 }));

    private static ClientCredential Credential(string id, RotationKey key, bool attached, string? name = "billing 2026-11", DateTimeOffset? expires = null) =>
        new("app1", id, key.Kid, name, key.Algorithm.ToString(), "public_key", attached, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, expires, "Auth0");

    private static ClientCredentialState PrivateKeyJwt(params ClientCredential[] credentials)
    {
        var attached = new List<string>();
        foreach (ClientCredential c in credentials)
        {
            if (c.Attached)
            {
                attached.Add(c.Id);
            }
        }

        return new ClientCredentialState("app1", "Billing API", ClientAuthenticationMethod.PrivateKeyJwt, attached, credentials);
    }

    [Fact]
    public void The_resource_holds_each_attached_credential_with_its_public_pem_inline_and_an_import_block_by_client_id()
    {
        var expires = new DateTimeOffset(2027, 2, 27, 10, 0, 0, TimeSpan.Zero);
        ClientCredentialState state = PrivateKeyJwt(Credential("cred_a", KeyA.Value, true, expires: expires), Credential("cred_b", KeyB.Value, true, name: null));

        string hcl = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions { Keys = [KeyA.Value, KeyB.Value] });

        Assert.Contains("import {\n  to = auth0_client_credentials.billing_api\n  id = \"app1\"\n}\n", hcl, StringComparison.Ordinal);
        Assert.Contains("resource \"auth0_client_credentials\" \"billing_api\" {\n  client_id             = \"app1\"\n  authentication_method = \"private_key_jwt\"\n", hcl, StringComparison.Ordinal);
        Assert.Contains("      name            = \"billing 2026-11\"\n      credential_type = \"public_key\"\n      algorithm       = \"RS256\"\n      expires_at      = \"2027-02-27T10:00:00.000Z\"\n      pem             = <<EOT\n" + KeyA.Value.PublicKeyPem.Replace("\r\n", "\n"), hcl, StringComparison.Ordinal);
        Assert.Contains("algorithm       = \"PS256\"", hcl, StringComparison.Ordinal);
        Assert.Contains("# cred_a, kid " + KeyA.Value.Kid, hcl, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(hcl, "    credentials {"));
        Assert.True(hcl.IndexOf("cred_a", StringComparison.Ordinal) < hcl.IndexOf("cred_b", StringComparison.Ordinal), "credentials keep the server's attached order");
    }

    [Fact]
    public void No_private_key_material_is_written_even_when_the_key_holds_one()
    {
        Assert.True(KeyA.Value.HasPrivateKey);
        string hcl = TerraformClientCredentialExporter.Write(PrivateKeyJwt(Credential("cred_a", KeyA.Value, true)), new TerraformClientCredentialOptions { Keys = [KeyA.Value] });

        Assert.DoesNotContain("PRIVATE KEY", hcl, StringComparison.Ordinal);
        string privatePem = KeyExporter.Export(KeyA.Value, KeyExportFormat.Pem, publicOnly: false);
        string body = privatePem.Split('\n')[3].Trim();
        Assert.DoesNotContain(body, hcl, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_without_a_key_gets_a_file_reference_named_by_its_kid()
    {
        ClientCredentialState state = PrivateKeyJwt(Credential("cred_a", KeyA.Value, true));

        string relative = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions());
        string absolute = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions { PemDirectory = "/etc/keys/" });

        Assert.Contains("pem             = file(\"${path.module}/keys/" + KeyA.Value.Kid + ".pem\")", relative, StringComparison.Ordinal);
        Assert.Contains("pem             = file(\"/etc/keys/" + KeyA.Value.Kid + ".pem\")", absolute, StringComparison.Ordinal);
        Assert.Equal([KeyA.Value.Kid], TerraformClientCredentialExporter.KidsWithoutKey(state, new TerraformClientCredentialOptions()));
    }

    [Fact]
    public void A_pem_directory_with_template_characters_is_escaped_in_the_file_reference()
    {
        string hcl = TerraformClientCredentialExporter.Write(PrivateKeyJwt(Credential("cred_a", KeyA.Value, true)), new TerraformClientCredentialOptions { PemDirectory = "k\"${x}" });

        Assert.Contains("file(\"${path.module}/k\\\"$${x}/", hcl, StringComparison.Ordinal);
    }

    [Fact]
    public void Detached_credentials_are_listed_in_a_comment_but_not_configured()
    {
        ClientCredentialState state = PrivateKeyJwt(Credential("cred_a", KeyA.Value, true), Credential("cred_old", KeyB.Value, false, name: "old"));

        string hcl = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions());

        Assert.Equal(1, CountOf(hcl, "credentials {"));
        Assert.Contains("#   cred_old kid " + KeyB.Value.Kid + " 'old'", hcl, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_secret_client_gets_only_its_method_and_never_a_secret_attribute()
    {
        var state = new ClientCredentialState("app1", null, ClientAuthenticationMethod.ClientSecretPost, [], []);

        string hcl = TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions { Import = false });

        Assert.Contains("authentication_method = \"client_secret_post\"", hcl, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret ", hcl, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret=", hcl, StringComparison.Ordinal);
        Assert.DoesNotContain("import {", hcl, StringComparison.Ordinal);
        Assert.Contains("resource \"auth0_client_credentials\" \"client_app1\"", hcl, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_key_jwt_client_without_an_attached_credential_is_refused()
    {
        var e = Assert.Throws<PsCredRotateException>(() => TerraformClientCredentialExporter.Write(PrivateKeyJwt(Credential("cred_a", KeyA.Value, false)), new TerraformClientCredentialOptions()));

        Assert.Equal(ErrorIds.TerraformNoAttachedCredential, e.ErrorId);
        Assert.Equal("app1", e.Target);
    }

    [Fact]
    public void A_tls_client_is_refused()
    {
        var state = new ClientCredentialState("app1", null, ClientAuthenticationMethod.TlsClientAuth, [], []);

        var e = Assert.Throws<PsCredRotateException>(() => TerraformClientCredentialExporter.Write(state, new TerraformClientCredentialOptions()));

        Assert.Equal(ErrorIds.TerraformAuthenticationMethodUnsupported, e.ErrorId);
    }

    [Fact]
    public void A_resource_name_that_is_not_an_identifier_is_refused()
    {
        var e = Assert.Throws<PsCredRotateException>(() => TerraformClientCredentialExporter.Write(PrivateKeyJwt(Credential("cred_a", KeyA.Value, true)), new TerraformClientCredentialOptions { ResourceName = "9 lives" }));

        Assert.Equal(ErrorIds.TerraformResourceNameInvalid, e.ErrorId);
    }

    [Fact]
    public void A_name_with_quotes_and_template_characters_is_escaped()
    {
        string hcl = TerraformClientCredentialExporter.Write(PrivateKeyJwt(Credential("cred_a", KeyA.Value, true, name: "say \"hi\" ${now}")), new TerraformClientCredentialOptions());

        Assert.Contains("name            = \"say \\\"hi\\\" $${now}\"", hcl, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
