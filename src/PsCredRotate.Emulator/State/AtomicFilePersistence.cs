using System.Text;

namespace PsCredRotate.Emulator.State;

/// <summary>
/// Saves by writing a temporary file beside the target, flushing it to disk, and renaming it over
/// the target (rename is atomic on POSIX and NTFS), so a kill -9 at any point leaves a whole file.
/// </summary>
public sealed class AtomicFilePersistence : IStatePersistence
{
    private readonly string _path;

    public AtomicFilePersistence(string path)
    {
        _path = Path.GetFullPath(path);
    }

    public string? Load() => File.Exists(_path) ? File.ReadAllText(_path, Encoding.UTF8) : null;

    public void Save(string json)
    {
        string temp = _path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }
}
