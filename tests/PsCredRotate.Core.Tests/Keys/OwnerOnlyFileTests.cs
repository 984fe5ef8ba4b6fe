using System;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Tests.Infrastructure;

namespace PsCredRotate.Core.Tests.Keys;

/// <summary>File custody of exports: owner-only at creation, atomic, never a partial or stray file.</summary>
public sealed class OwnerOnlyFileTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Theory]
    [InlineData(KeyExportFormat.Pem, false)]
    [InlineData(KeyExportFormat.Pem, true)]
    [InlineData(KeyExportFormat.Jwk, false)]
    [InlineData(KeyExportFormat.Jwks, false)]
    public void A_private_key_file_is_created_with_mode_0600(KeyExportFormat format, bool encrypted)
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using var dir = new TempDir();
        using SecureString? password = encrypted ? SecureStrings.FromString("pw-0600") : null;
        string path = dir.File("key.out");

        FileInfo info = KeyExporter.ExportToFile(key, path, format, publicOnly: false, password, overwrite: false);

        Assert.Equal(Path.GetFullPath(path), info.FullName);
        Assert.True(info.Exists);
        Assert.Equal(OwnerReadWrite, ModeOf(path));
        Assert.Equal(new[] { "key.out" }, Names(dir));
    }

    [Fact]
    public void The_file_holds_exactly_what_Export_returns()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA, certificate: true);
        using var dir = new TempDir();
        string path = dir.File("key.pem");

        KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: false, password: null, overwrite: false);

        Assert.Equal(KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false), File.ReadAllText(path, Encoding.UTF8));
        Assert.NotEqual(0xEF, File.ReadAllBytes(path)[0]); // no byte order mark
    }

    [Fact]
    public void A_public_only_file_is_written_and_holds_no_private_material()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256, certificate: true);
        using var dir = new TempDir();
        string path = dir.File("pub.pem");

        KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: true, password: null, overwrite: false);

        Assert.Equal(key.PublicKeyPem + key.CertificatePem, File.ReadAllText(path));
        Assert.Equal(new[] { "pub.pem" }, Names(dir));
    }

    [Fact]
    public void An_existing_file_is_refused_with_ExportFileExists_and_left_byte_identical()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using var dir = new TempDir();
        string path = dir.Write("key.pem", "precious existing content\n");
        byte[] before = File.ReadAllBytes(path);
        DateTime writtenBefore = File.GetLastWriteTimeUtc(path);

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: false, null, overwrite: false));

        Assert.Equal(ErrorIds.ExportFileExists, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, ex.Kind);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(writtenBefore, File.GetLastWriteTimeUtc(path));
        Assert.Equal(new[] { "key.pem" }, Names(dir));
    }

    [Fact]
    public void Overwrite_replaces_an_existing_file_with_an_owner_only_one()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using var dir = new TempDir();
        string path = dir.Write("key.pem", "old content\n");
        SetMode(path, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: false, null, overwrite: true);

        Assert.Equal(KeyExporter.Export(key, KeyExportFormat.Pem, publicOnly: false), File.ReadAllText(path));
        Assert.Equal(OwnerReadWrite, ModeOf(path));
        Assert.Equal(new[] { "key.pem" }, Names(dir));
    }

    [Fact]
    public void Overwrite_of_a_missing_file_creates_it()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.EdDSA);
        using var dir = new TempDir();
        string path = dir.File("new.json");

        KeyExporter.ExportToFile(key, path, KeyExportFormat.Jwk, publicOnly: false, null, overwrite: true);

        Assert.Contains("\"d\":", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(OwnerReadWrite, ModeOf(path));
    }

    [Fact]
    public void A_missing_directory_is_refused_with_ExportPathInvalid_and_nothing_is_written()
    {
        RotationKey key = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256);
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "missing", "key.pem");

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportToFile(key, path, KeyExportFormat.Pem, publicOnly: false, null, overwrite: false));

        Assert.Equal(ErrorIds.ExportPathInvalid, ex.ErrorId);
        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "missing")));
        Assert.Empty(Names(dir));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\0bad")]
    public void An_empty_or_malformed_path_is_refused_with_ExportPathInvalid(string path)
    {
        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportToFile(GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256), path, KeyExportFormat.Pem, publicOnly: true, null, overwrite: true));

        Assert.Equal(ErrorIds.ExportPathInvalid, ex.ErrorId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_directory_as_the_target_is_refused_with_ExportPathInvalid(bool overwrite)
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("sub"));

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportToFile(GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256), dir.File("sub"), KeyExportFormat.Pem, publicOnly: false, null, overwrite));

        Assert.Equal(ErrorIds.ExportPathInvalid, ex.ErrorId);
        Assert.Equal(new[] { "sub" }, Names(dir));
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("sub")));
    }

    [Fact]
    public void A_refused_export_writes_nothing()
    {
        using RotationKey publicKey = GeneratedKeyFixtures.Shared(KeyAlgorithm.ES256).ToPublicKey();
        using var dir = new TempDir();

        var ex = Assert.Throws<PsCredRotateException>(() => KeyExporter.ExportToFile(publicKey, dir.File("key.pem"), KeyExportFormat.Pem, publicOnly: false, null, overwrite: false));

        Assert.Equal(ErrorIds.PrivateKeyUnavailable, ex.ErrorId);
        Assert.Empty(Names(dir));
    }

    [Fact]
    public void A_failure_while_writing_gives_ExportWriteFailed_with_the_cause_and_removes_the_partial_temp_file()
    {
        using var dir = new TempDir();
        string path = dir.File("key.pem");
        var cause = new IOException("No space left on device");
        string? tempSeen = null;

        var ex = Assert.Throws<PsCredRotateException>(() => OwnerOnlyFile.WriteAtomically(path, ownerOnly: true, overwrite: false, stream =>
        {
            stream.Write(new byte[] { 1, 2, 3 }, 0, 3);
            stream.Flush();
            tempSeen = Assert.Single(Directory.GetFiles(dir.Path));
            throw cause;
        }));

        Assert.Equal(ErrorIds.ExportWriteFailed, ex.ErrorId);
        Assert.Same(cause, ex.InnerException);
        Assert.NotNull(tempSeen);
        Assert.NotEqual(path, tempSeen);
        Assert.Empty(Names(dir));
    }

    [Fact]
    public void A_failure_while_overwriting_leaves_the_existing_file_byte_identical()
    {
        using var dir = new TempDir();
        string path = dir.Write("key.pem", "existing\n");

        var ex = Assert.Throws<PsCredRotateException>(() => OwnerOnlyFile.WriteAtomically(path, ownerOnly: true, overwrite: true, stream =>
        {
            stream.Write(new byte[] { 1, 2, 3 }, 0, 3);
            throw new IOException("device went away");
        }));

        Assert.Equal(ErrorIds.ExportWriteFailed, ex.ErrorId);
        Assert.Equal("existing\n", File.ReadAllText(path));
        Assert.Equal(new[] { "key.pem" }, Names(dir));
    }

    [Fact]
    public void A_file_created_by_someone_else_during_the_write_is_kept_and_reported_with_ExportFileExists()
    {
        using var dir = new TempDir();
        string path = dir.File("key.pem");

        var ex = Assert.Throws<PsCredRotateException>(() => OwnerOnlyFile.WriteAtomically(path, ownerOnly: true, overwrite: false, stream =>
        {
            stream.Write(new byte[] { 1, 2, 3 }, 0, 3);
            File.WriteAllText(path, "theirs\n");
        }));

        Assert.Equal(ErrorIds.ExportFileExists, ex.ErrorId);
        Assert.Equal("theirs\n", File.ReadAllText(path));
        Assert.Equal(new[] { "key.pem" }, Names(dir));
    }

    [Fact]
    public void Creating_owner_only_refuses_an_existing_file_and_a_symbolic_link()
    {
        using var dir = new TempDir();
        string existing = dir.Write("existing", "x");
        string victim = dir.Write("victim", "victim content");
        string link = dir.File("link");
        File.CreateSymbolicLink(link, victim);

        Assert.ThrowsAny<IOException>(() => OwnerOnlyFile.CreateNew(existing, ownerOnly: true).Dispose());
        Assert.ThrowsAny<IOException>(() => OwnerOnlyFile.CreateNew(link, ownerOnly: true).Dispose());
        Assert.Equal("victim content", File.ReadAllText(victim));
        Assert.Equal("x", File.ReadAllText(existing));
    }

    [Fact]
    public void The_runtime_create_mode_path_used_on_other_unix_systems_also_creates_0600()
    {
        using var dir = new TempDir();
        string path = dir.File("f");

        using (FileStream stream = OwnerOnlyFile.CreateNewWithUnixCreateMode(path))
        {
            stream.WriteByte(42);
        }

        Assert.Equal(OwnerReadWrite, ModeOf(path));
        Assert.ThrowsAny<IOException>(() => OwnerOnlyFile.CreateNewWithUnixCreateMode(path).Dispose());
        Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(path));
    }

    // These tests check Unix modes (CI runs on Linux); on Windows they fail loudly rather than pass.
    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("Unix file modes") : File.GetUnixFileMode(path);

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes");
        }

        File.SetUnixFileMode(path, mode);
    }

    private static string[] Names(TempDir dir) =>
        Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;
}
