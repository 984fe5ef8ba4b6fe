using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PsCredRotate.Emulator.State;

namespace PsCredRotate.Emulator.Tests.Operations;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("emu-state-").FullName;

    private string StatePath => Path.Combine(_directory, "state.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private StateStore<OpsState> Open() => new(new OpsState(), new AtomicFilePersistence(StatePath));

    private static void Add(StateStore<OpsState> store, string item) => store.Write(s =>
    {
        s.Items.Add(item);
        return 0;
    });

    [Fact]
    public void Reloading_gives_the_same_state()
    {
        StateStore<OpsState> first = Open();
        Add(first, "a");
        Add(first, "b");
        string saved = first.Snapshot();

        StateStore<OpsState> second = Open();
        Assert.Equal(saved, second.Snapshot());
        Assert.Equal(new[] { "seeded", "a", "b" }, second.Read(s => s.Items.ToList()));
    }

    [Fact]
    public void A_new_file_holds_the_seed()
    {
        _ = Open();
        Assert.Equal("{\"Items\":[\"seeded\"]}", File.ReadAllText(StatePath));
    }

    [Fact]
    public void The_state_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        StateStore<OpsState> store = Open();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));

        // A file left world-readable by an older version is replaced by an owner-only one at the next write.
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Add(store, "x");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
    }

    [Fact]
    public void Interrupted_writes_never_corrupt_the_state_across_many_restarts()
    {
        var expected = new List<string> { "seeded" };
        for (int round = 0; round < 150; round++)
        {
            StateStore<OpsState> store = Open();
            Assert.Equal(expected, store.Read(s => s.Items.ToList()));
            Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));

            string item = "item-" + round;
            Add(store, item);
            expected.Add(item);

            // A kill -9 in the middle of the next save: its temporary file is left behind, cut
            // short, or (killed just before the rename) whole but never renamed.
            string temp = Path.Combine(_directory, $"state.json.{9000 + round}.{Guid.NewGuid():N}.tmp");
            string unacknowledged = JsonSerializer.Serialize(new OpsState { Items = expected.Append("never-acknowledged").ToList() });
            File.WriteAllText(temp, (round % 3) switch
            {
                0 => unacknowledged[..(unacknowledged.Length / 2)],
                1 => "",
                _ => unacknowledged,
            });
        }

        StateStore<OpsState> last = Open();
        Assert.Equal(expected, last.Read(s => s.Items.ToList()));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void The_fixed_temporary_name_of_earlier_versions_is_ignored_and_removed()
    {
        Add(Open(), "a");
        File.WriteAllText(StatePath + ".tmp", "{\"Items\":[\"stale\"]}");
        Assert.Equal(new[] { "seeded", "a" }, Open().Read(s => s.Items.ToList()));
        Assert.False(File.Exists(StatePath + ".tmp"));
    }

    [Fact]
    public void Flushing_a_directory_that_cannot_be_opened_is_harmless()
    {
        DirectorySync.Flush(Path.Combine(_directory, "no-such-directory"));
        DirectorySync.Flush(_directory);
        Assert.True(Directory.Exists(_directory));
    }

    [Fact]
    public void Each_save_uses_its_own_temporary_file_and_leaves_none_behind()
    {
        StateStore<OpsState> store = Open();
        Parallel.For(0, 50, i => Add(store, "p" + i));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        Assert.Equal(51, Open().Read(s => s.Items.Count));
    }

    [Theory]
    [InlineData("{\"Items\":[\"seeded\",\"sec")]
    [InlineData("{\"Items\":42}")]
    [InlineData("\u0000\u0000\u0000")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("  \n")]
    public void A_corrupt_or_partial_file_stops_the_load_with_a_clear_message(string content)
    {
        File.WriteAllText(StatePath, content);
        StateLoadException ex = Assert.Throws<StateLoadException>(Open);
        Assert.Contains("Refusing to start with an empty tenant", ex.Message, StringComparison.Ordinal);
        Assert.Contains("remove it to start from the seed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sec", ex.Message.Replace("seed", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // The file is left as it was for the operator to inspect.
        Assert.Equal(content, File.ReadAllText(StatePath));
    }

    [Fact]
    public void The_emulator_refuses_to_build_on_a_corrupt_state_file()
    {
        File.WriteAllText(StatePath, "{\"Items\":[");
        Assert.Throws<StateLoadException>(() => EmulatorHost.Build(
            new EmulatorOptions(),
            services => services.AddSingleton<IStateAdmin>(_ => Open()),
            null));
    }

    [Fact]
    public void A_write_that_throws_changes_neither_memory_nor_the_file()
    {
        StateStore<OpsState> store = Open();
        Add(store, "kept");
        string before = File.ReadAllText(StatePath);
        Assert.Throws<InvalidOperationException>(() => store.Write<int>(s =>
        {
            s.Items.Add("half-done");
            throw new InvalidOperationException("refused");
        }));
        Assert.Equal(new[] { "seeded", "kept" }, store.Read(s => s.Items.ToList()));
        Assert.Equal(before, File.ReadAllText(StatePath));
    }

    [Fact]
    public void A_failed_save_rolls_the_memory_back()
    {
        var failing = new FailingPersistence();
        var store = new StateStore<OpsState>(new OpsState(), failing);
        failing.Fail = true;
        Assert.Throws<IOException>(() => Add(store, "unsaved"));
        Assert.Equal(new[] { "seeded" }, store.Read(s => s.Items.ToList()));
    }

    private sealed class FailingPersistence : IStatePersistence
    {
        public bool Fail { get; set; }

        public string? Load() => null;

        public void Save(string json)
        {
            if (Fail)
            {
                throw new IOException("disk full");
            }
        }
    }
}
