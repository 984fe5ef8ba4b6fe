using System;
using System.Collections.Generic;
using PsCredRotate.Core.Custody;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Tests.Custody;

public class KeyCustodyTests
{
    private static readonly VaultKeyLocation Location = new("Ops", "billing-api-key");

    private static RotationKey NewKey(KeyAlgorithm algorithm = KeyAlgorithm.PS256) =>
        KeyGenerator.Generate(new KeyGenerationOptions { Algorithm = algorithm });

    [Fact]
    public void A_stored_key_is_a_PKCS8_PEM_secret_with_kid_algorithm_size_and_expiry_as_metadata()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey();
        var expires = new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));

        KeyCustody.Store(vault, Location, key, new KeyCustodyDetails { Provider = "Auth0", ClientId = "app1", ExpiresAt = expires }, password: null, overwrite: false);

        var (secret, metadata) = vault.Secrets[("Ops", "billing-api-key")];
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", secret, StringComparison.Ordinal);
        Assert.Equal(key.Kid, metadata["Kid"]);
        Assert.Equal("PS256", metadata["Algorithm"]);
        Assert.Equal(2048, metadata["KeySize"]);
        Assert.Equal("PKCS8-PEM", metadata["Format"]);
        Assert.Equal("Auth0", metadata["Provider"]);
        Assert.Equal("app1", metadata["ClientId"]);
        DateTime at = Assert.IsType<DateTime>(metadata["ExpiresAt"]);
        Assert.Equal(DateTimeKind.Utc, at.Kind);
        Assert.Equal(expires.UtcDateTime, at);
    }

    [Fact]
    public void Metadata_values_are_only_strings_ints_and_DateTimes()
    {
        using RotationKey key = NewKey();
        IReadOnlyDictionary<string, object> metadata = KeyCustody.MetadataFor(key, new KeyCustodyDetails { Provider = "Dfns", ClientId = "cr-1", ExpiresAt = DateTimeOffset.UtcNow }, encrypted: true);

        Assert.All(metadata.Values, v => Assert.True(v is string || v is int || v is DateTime, $"{v.GetType()} is not a metadata type vaults store"));
        Assert.Equal("PKCS8-PEM-ENCRYPTED", metadata["Format"]);
    }

    [Fact]
    public void Without_an_expiry_the_certificates_NotAfter_is_recorded()
    {
        using RotationKey key = KeyGenerator.Generate(new KeyGenerationOptions
        {
            Algorithm = KeyAlgorithm.RS256,
            Certificate = true,
            ValidFor = TimeSpan.FromDays(30),
        });

        IReadOnlyDictionary<string, object> metadata = KeyCustody.MetadataFor(key, null, encrypted: false);

        Assert.Equal(key.NotAfter!.Value.UtcDateTime, metadata["ExpiresAt"]);
        Assert.False(metadata.ContainsKey("Provider"));
    }

    [Fact]
    public void A_loaded_key_has_the_same_kid_and_signs_with_the_recorded_algorithm()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey(KeyAlgorithm.PS256);
        KeyCustody.Store(vault, Location, key, null, null, overwrite: false);

        using RotationKey loaded = KeyCustody.Load(vault, Location, null);

        Assert.Equal(key.Kid, loaded.Kid);
        Assert.Equal(KeyAlgorithm.PS256, loaded.Algorithm);
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void An_explicit_algorithm_wins_over_the_metadata()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey(KeyAlgorithm.PS256);
        KeyCustody.Store(vault, Location, key, null, null, overwrite: false);

        using RotationKey loaded = KeyCustody.Load(vault, Location, null, KeyAlgorithm.RS384);

        Assert.Equal(KeyAlgorithm.RS384, loaded.Algorithm);
    }

    [Fact]
    public void With_a_password_the_secret_is_encrypted_PKCS8_and_reads_back_only_with_it()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey(KeyAlgorithm.ES256);
        KeyCustody.Store(vault, Location, key, null, SecureStrings.FromString("correct horse"), overwrite: false);

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", vault.Secrets[("Ops", "billing-api-key")].Secret, StringComparison.Ordinal);
        using RotationKey loaded = KeyCustody.Load(vault, Location, SecureStrings.FromString("correct horse"));
        Assert.Equal(key.Kid, loaded.Kid);
        var noPassword = Assert.ThrowsAny<PsCredRotateException>(() => KeyCustody.Load(vault, Location, null));
        Assert.NotEqual(ErrorIds.VaultSecretNotFound, noPassword.ErrorId);
    }

    [Fact]
    public void An_existing_secret_is_not_replaced_without_overwrite()
    {
        var vault = new FakeKeyVault();
        using RotationKey first = NewKey();
        using RotationKey second = NewKey();
        KeyCustody.Store(vault, Location, first, null, null, overwrite: false);

        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Store(vault, Location, second, null, null, overwrite: false));

        Assert.Equal(ErrorIds.VaultSecretExists, e.ErrorId);
        Assert.Contains(first.Kid, e.Message, StringComparison.Ordinal);
        Assert.Equal(first.Kid, vault.Secrets[("Ops", "billing-api-key")].Metadata["Kid"]);

        KeyCustody.Store(vault, Location, second, null, null, overwrite: true);
        Assert.Equal(second.Kid, vault.Secrets[("Ops", "billing-api-key")].Metadata["Kid"]);
    }

    [Fact]
    public void A_public_key_is_refused_before_the_vault_is_touched()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey();
        using RotationKey publicOnly = key.ToPublicKey();

        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Store(vault, Location, publicOnly, null, null, overwrite: false));

        Assert.Equal(ErrorIds.PrivateKeyUnavailable, e.ErrorId);
        Assert.Empty(vault.Calls);
    }

    [Fact]
    public void A_missing_secret_is_null_for_TryLoad_and_VaultSecretNotFound_for_Load()
    {
        var vault = new FakeKeyVault();

        Assert.Null(KeyCustody.TryLoad(vault, Location, null));
        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Load(vault, Location, null));
        Assert.Equal(ErrorIds.VaultSecretNotFound, e.ErrorId);
        Assert.Equal("vault 'Ops', secret 'billing-api-key'", e.Target);
    }

    [Fact]
    public void A_secret_that_is_not_a_PEM_key_is_VaultSecretInvalid_without_its_content_in_the_message()
    {
        var vault = new FakeKeyVault();
        vault.Put("Ops", "billing-api-key", "hunter2-not-a-key");

        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Load(vault, Location, null));

        Assert.Equal(ErrorIds.VaultSecretInvalid, e.ErrorId);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_key_in_the_vault_is_VaultSecretInvalid()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey();
        vault.Put("Ops", "billing-api-key", key.PublicKeyPem);

        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Load(vault, Location, null));

        Assert.Equal(ErrorIds.VaultSecretInvalid, e.ErrorId);
    }

    [Fact]
    public void A_secret_whose_key_differs_from_its_Kid_metadata_is_refused()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey();
        using RotationKey other = NewKey();
        KeyCustody.Store(vault, Location, key, null, null, overwrite: false);
        vault.Secrets[("Ops", "billing-api-key")].Metadata["Kid"] = other.Kid;

        var e = Assert.Throws<PsCredRotateException>(() => KeyCustody.Load(vault, Location, null));

        Assert.Equal(ErrorIds.VaultSecretKidMismatch, e.ErrorId);
    }

    [Fact]
    public void A_PEM_key_stored_by_hand_without_metadata_loads()
    {
        var vault = new FakeKeyVault();
        using RotationKey key = NewKey(KeyAlgorithm.ES384);
        vault.Put("Ops", "billing-api-key", KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false));

        using RotationKey loaded = KeyCustody.Load(vault, Location, null);

        Assert.Equal(key.Kid, loaded.Kid);
        Assert.Equal(KeyAlgorithm.ES384, loaded.Algorithm);
    }
}
