using System.Runtime.InteropServices;
using System.Text;

namespace PsCredRotate.Emulator.State;

/// <summary>
/// Saves by writing a temporary file beside the target (a unique name per write, created 0600 on
/// Unix because the state holds the tenant's secrets), flushing it to disk, renaming it over the
/// target (atomic on POSIX and NTFS) and, on Unix, flushing the directory so the rename itself
/// survives a power loss. A kill -9 at any point leaves either the old or the new file, whole; a
/// leftover temporary file is never read and is removed at the next start.
/// </summary>
public sealed class AtomicFilePersistence : IStatePersistence
{
    private const string TempSuffix = ".tmp";

    private readonly string _path;
    private readonly string _directory;

    public AtomicFilePersistence(string path)
    {
        _path = Path.GetFullPath(path);
        _directory = Path.GetDirectoryName(_path) ?? ".";
        RemoveLeftovers();
    }

    public string? Load()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        string text = File.ReadAllText(_path, Encoding.UTF8);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new StateLoadException($"The state file '{_path}' is empty (an interrupted copy?). Refusing to start with an empty tenant: restore the file or remove it to start from the seed.");
        }

        return text;
    }

    public void Save(string json)
    {
        string temp = Path.Combine(_directory, $"{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}");
        var create = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, create))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(json);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        DirectorySync.Flush(_directory);
    }

    /// <summary>Temporary files of writes that never reached their rename (a kill during Save).</summary>
    public IEnumerable<string> Leftovers() =>
        Directory.Exists(_directory)
            ? Directory.EnumerateFiles(_directory, Path.GetFileName(_path) + ".*" + TempSuffix)
            : Enumerable.Empty<string>();

    private void RemoveLeftovers()
    {
        // The single fixed temporary name of earlier versions, then the per-write names.
        TryDelete(_path + TempSuffix);
        foreach (string leftover in Leftovers().ToList())
        {
            TryDelete(leftover);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>fsync(2) of a directory on Unix, so a rename in it is durable; a no-op where unsupported.</summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY on Linux and macOS

    private static bool _unsupported;

    /// <summary>Flushes the directory's entries to disk; never throws (durability is best effort where unsupported).</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows() || _unsupported)
        {
            return;
        }

        try
        {
            int fd = Open(Encoding.UTF8.GetBytes(directory + "\0"), ReadOnly);
            if (fd < 0)
            {
                return;
            }

            try
            {
                _ = FSync(fd);
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unsupported = true;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}

/// <summary>The --state file exists but cannot be loaded; the emulator refuses to start (exit 2).</summary>
public sealed class StateLoadException : Exception
{
    public StateLoadException()
    {
    }

    public StateLoadException(string message)
        : base(message)
    {
    }

    public StateLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
