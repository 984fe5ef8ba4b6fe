using System;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

public class CredentialValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static readonly Lazy<RotationKey> WithCertificate = new(() => KeyGenerator.Generate(new KeyGenerationOptions { Certificate = true, ValidFor = TimeSpan.FromDays(30) }));

    private static readonly Lazy<RotationKey> WithExpiredCertificate = new(() => KeyGenerator.Generate(new KeyGenerationOptions
    {
        Certificate = true,
        Now = Now.AddDays(-20),
        NotAfter = Now.AddDays(-1),
    }));

    private static (ClientCredentialManager Manager, FakeCredentialProvider Provider) Arrange(CredentialPolicy? policy = null)
    {
        var provider = new FakeCredentialProvider(policy);
        provider.AddClient("app");
        return (new ClientCredentialManager(provider, new RecordingHost(), () => Now), provider);
    }

    private static PsCredRotateException Refused(NewClientCredential credential, CredentialPolicy? policy = null)
    {
        var (manager, provider) = Arrange(policy);
        var e = Assert.ThrowsAny<PsCredRotateException>(() => manager.ValidateNewCredential(credential));
        Assert.Empty(provider.Calls);
        return e;
    }

    [Theory]
    [InlineData(KeyAlgorithm.ES256)]
    [InlineData(KeyAlgorithm.ES384)]
    [InlineData(KeyAlgorithm.EdDSA)]
    [InlineData(KeyAlgorithm.RS512)]
    [InlineData(KeyAlgorithm.PS384)]
    public void Algorithms_auth0_does_not_take_are_refused_before_any_call(KeyAlgorithm algorithm)
    {
        RotationKey key = algorithm is KeyAlgorithm.RS512 or KeyAlgorithm.PS384
            ? Reimport(RotationKeys.Get(0), algorithm)
            : KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm });
        PsCredRotateException e = Refused(new NewClientCredential(key));
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Contains("RS256, RS384, PS256", e.Message);
    }

    [Theory]
    [InlineData(KeyAlgorithm.RS256)]
    [InlineData(KeyAlgorithm.RS384)]
    [InlineData(KeyAlgorithm.PS256)]
    public void The_three_auth0_algorithms_pass(KeyAlgorithm algorithm)
    {
        var (manager, provider) = Arrange();
        manager.ValidateNewCredential(new NewClientCredential(Reimport(RotationKeys.Get(0), algorithm)));
        Assert.Empty(provider.Calls);
    }

    [Fact]
    public void An_rsa_key_below_the_policy_minimum_is_refused_with_its_size()
    {
        var strict = new CredentialPolicy(2, 4, CredentialPolicy.Auth0.Algorithms, minRsaKeySize: 3072, maxRsaKeySize: 4096, separateAttach: true);
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)), strict);
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Contains("RSA-2048", e.Message);
        Assert.Contains("3072", e.Message);
    }

    [Fact]
    public void An_rsa_key_above_the_policy_maximum_is_refused_with_its_size()
    {
        var small = new CredentialPolicy(2, 4, CredentialPolicy.Auth0.Algorithms, minRsaKeySize: 1024, maxRsaKeySize: 1536, separateAttach: true);
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)), small);
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Contains("RSA-2048", e.Message);
    }

    [Fact]
    public void An_x509_credential_without_a_certificate_is_refused()
    {
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)) { Type = ClientCredentialType.X509Cert });
        Assert.Equal(ErrorIds.CertificateRequired, e.ErrorId);
    }

    [Fact]
    public void Parsing_the_expiry_from_a_certificate_the_key_lacks_is_refused()
    {
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)) { ParseExpiryFromCertificate = true });
        Assert.Equal(ErrorIds.CertificateRequired, e.ErrorId);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        PsCredRotateException e = Refused(new NewClientCredential(WithExpiredCertificate.Value) { Type = ClientCredentialType.X509Cert });
        Assert.Equal(ErrorIds.CertificateExpired, e.ErrorId);
    }

    [Fact]
    public void A_current_certificate_with_parsed_expiry_passes()
    {
        var (manager, _) = Arrange();
        manager.ValidateNewCredential(new NewClientCredential(WithCertificate.Value) { Type = ClientCredentialType.X509Cert, ParseExpiryFromCertificate = true });
    }

    [Fact]
    public void An_expiry_in_the_past_is_refused()
    {
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)) { ExpiresAt = Now.AddMinutes(-1) });
        Assert.Equal(ErrorIds.CredentialExpiryInPast, e.ErrorId);
    }

    [Fact]
    public void An_expiry_together_with_parsing_it_from_the_certificate_is_a_conflict()
    {
        PsCredRotateException e = Refused(new NewClientCredential(WithCertificate.Value) { ExpiresAt = Now.AddDays(1), ParseExpiryFromCertificate = true });
        Assert.Equal(ErrorIds.CredentialExpiryConflict, e.ErrorId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public void Bad_names_are_refused(string name)
    {
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)) { Name = name });
        Assert.Equal(ErrorIds.CredentialNameInvalid, e.ErrorId);
    }

    [Fact]
    public void A_name_over_128_characters_is_refused()
    {
        PsCredRotateException e = Refused(new NewClientCredential(RotationKeys.Get(0)) { Name = new string('n', 129) });
        Assert.Equal(ErrorIds.CredentialNameInvalid, e.ErrorId);
    }

    [Fact]
    public async Task Add_refuses_an_ec_key_before_any_call_and_changes_nothing()
    {
        var (manager, provider) = Arrange();
        provider.Seed("app", RotationKeys.Get(1), attached: true);
        string before = provider.SnapshotText("app");
        RotationKey ec = KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = KeyAlgorithm.ES256 });
        var e = await Assert.ThrowsAsync<PsCredRotateException>(() => manager.AddAsync("app", new NewClientCredential(ec), attach: true, CancellationToken.None));
        Assert.Equal(ErrorIds.CredentialAlgorithmUnsupported, e.ErrorId);
        Assert.Empty(provider.Calls);
        Assert.Equal(before, provider.SnapshotText("app"));
    }

    /// <summary>The same RSA key with another signing algorithm (the kid does not change).</summary>
    internal static RotationKey Reimport(RotationKey key, KeyAlgorithm algorithm) =>
        KeyImporter.FromPem(KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false), new KeyImportOptions { Algorithm = algorithm });
}
