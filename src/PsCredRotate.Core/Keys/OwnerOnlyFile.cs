using System;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PsCredRotate.Core.Keys;

/// <summary>
/// File custody for exported keys, in one place: files that hold private material are created
/// owner-only at creation (mode 0600 on Unix, a protected owner-only DACL on Windows), never
/// loosened and then tightened; and every write goes to a temporary file in the target's
/// directory that is flushed to disk and then renamed over the target, so a failure never leaves
/// a partial file behind.
/// </summary>
internal static class OwnerOnlyFile
{
    /// <summary>Owner read and write (octal 600).</summary>
    internal const int UnixOwnerReadWrite = 0x180;

    /// <summary>Protected DACL, one ACE: full access for the owner (OWNER RIGHTS), nothing inherited.</summary>
    internal const string WindowsOwnerOnlySddl = "D:P(A;;FA;;;OW)";

    /// <summary>
    /// Writes a new version of <paramref name="path"/> atomically through <paramref name="write"/>.
    /// Failures are <see cref="ErrorIds.ExportPathInvalid"/>, <see cref="ErrorIds.ExportFileExists"/>
    /// (checked before anything is written) or <see cref="ErrorIds.ExportWriteFailed"/>.
    /// </summary>
    public static FileInfo WriteAtomically(string path, bool ownerOnly, bool overwrite, Action<Stream> write)
    {
        if (write is null)
        {
            throw new ArgumentNullException(nameof(write));
        }

        string target = ResolveTarget(path);
        if (!overwrite && File.Exists(target))
        {
            throw FileExists(target);
        }

        string temp = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        bool tempCreated = false;
        bool committed = false;
        try
        {
            using (FileStream stream = CreateNew(temp, ownerOnly))
            {
                tempCreated = true;
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            Commit(temp, target, overwrite);
            committed = true;
            return new FileInfo(target);
        }
        catch (IOException ex) when (!overwrite && File.Exists(target))
        {
            // Someone created the target after the check above; it is theirs, not ours to replace.
            throw FileExists(target, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new PsCredRotateException(
                ErrorIds.ExportWriteFailed,
                ex is UnauthorizedAccessException or SecurityException ? ErrorKind.PermissionDenied : ErrorKind.WriteError,
                $"The file '{target}' could not be written: {ex.Message} Nothing was written.",
                target,
                ex);
        }
        finally
        {
            if (tempCreated && !committed)
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>Creates a new file (never opens an existing one); owner-only when asked.</summary>
    public static FileStream CreateNew(string path, bool ownerOnly)
    {
        if (!ownerOnly)
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return CreateNewWindows(path);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return CreateNewLinux(path);
        }

        return CreateNewWithUnixCreateMode(path);
    }

    private static string ResolveTarget(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw InvalidPath(path, "the path is empty", null);
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or SecurityException)
        {
            throw InvalidPath(path, "it is not a valid file path", ex);
        }

        if (Directory.Exists(full))
        {
            throw InvalidPath(path, "it is a directory", null);
        }

        string? directory = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(Path.GetFileName(full)))
        {
            throw InvalidPath(path, "it names no file", null);
        }

        if (!Directory.Exists(directory))
        {
            throw InvalidPath(path, $"the directory '{directory}' does not exist", null);
        }

        return full;
    }

    private static PsCredRotateException InvalidPath(string path, string reason, Exception? inner) => new(
        ErrorIds.ExportPathInvalid,
        ErrorKind.InvalidArgument,
        $"The key cannot be written to '{path}': {reason}.",
        path,
        inner);

    private static PsCredRotateException FileExists(string target, Exception? inner = null) => new(
        ErrorIds.ExportFileExists,
        ErrorKind.ResourceExists,
        $"The file '{target}' already exists; it was left unchanged. Choose another path, or allow overwriting (-Force).",
        target,
        inner);

    private static void Commit(string temp, string target, bool overwrite)
    {
        if (!overwrite)
        {
            File.Move(temp, target); // fails when the target exists
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // Not File.Replace: ReplaceFile would give the new file the old file's ACL.
            if (!MoveFileExW(temp, target, MoveFileReplaceExisting | MoveFileWriteThrough))
            {
                throw LastError();
            }
        }
        else if (Rename(NullTerminatedUtf8(temp), NullTerminatedUtf8(target)) != 0)
        {
            throw LastError();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is the one to report.
        }
    }

    private static FileStream CreateNewLinux(string path)
    {
        const int O_WRONLY = 0x1;
        const int O_CREAT = 0x40;
        const int O_EXCL = 0x80;
        const int O_CLOEXEC = 0x80000;

        // O_CREAT | O_EXCL: a new file or nothing (an existing file or symbolic link is refused).
        int fd = Open(NullTerminatedUtf8(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, UnixOwnerReadWrite);
        if (fd < 0)
        {
            throw LastError();
        }

        return new FileStream(new SafeFileHandle(new IntPtr(fd), ownsHandle: true), FileAccess.Write);
    }

    /// <summary>
    /// Other Unix systems (macOS): the runtime's own create-with-mode (FileStreamOptions.UnixCreateMode,
    /// .NET 7 and later, which every PowerShell 7.4+ has). Looked up by reflection because
    /// netstandard2.0 cannot name it; without it the file is not written at all.
    /// </summary>
    internal static FileStream CreateNewWithUnixCreateMode(string path)
    {
        Type? optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions", throwOnError: false);
        PropertyInfo? createMode = optionsType?.GetProperty("UnixCreateMode");
        ConstructorInfo? constructor = optionsType is null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
        if (optionsType is null || createMode is null || constructor is null)
        {
            throw new PlatformNotSupportedException("This runtime cannot create a file with owner-only permissions on this system; use PowerShell 7.4 or later.");
        }

        object options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("Mode")!.SetValue(options, FileMode.CreateNew);
        optionsType.GetProperty("Access")!.SetValue(options, FileAccess.Write);
        optionsType.GetProperty("Share")!.SetValue(options, FileShare.None);
        Type modeType = Nullable.GetUnderlyingType(createMode.PropertyType) ?? createMode.PropertyType;
        createMode.SetValue(options, Enum.ToObject(modeType, UnixOwnerReadWrite));
        try
        {
            return (FileStream)constructor.Invoke(new[] { path, options });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private static FileStream CreateNewWindows(string path)
    {
        const uint GenericWrite = 0x40000000;
        const uint CreateNewDisposition = 1;
        const uint FileAttributeNormal = 0x80;
        const uint SddlRevision1 = 1;

        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(WindowsOwnerOnlySddl, SddlRevision1, out IntPtr descriptor, IntPtr.Zero))
        {
            throw LastError();
        }

        try
        {
            var attributes = new SecurityAttributes
            {
                Length = Marshal.SizeOf(typeof(SecurityAttributes)),
                SecurityDescriptor = descriptor,
                InheritHandle = 0,
            };
            SafeFileHandle handle = CreateFileW(path, GenericWrite, 0, ref attributes, CreateNewDisposition, FileAttributeNormal, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                int error = Marshal.GetLastWin32Error();
                handle.Dispose();
                throw new IOException(new Win32Exception(error).Message, error);
            }

            return new FileStream(handle, FileAccess.Write);
        }
        finally
        {
            _ = LocalFree(descriptor);
        }
    }

    private static IOException LastError()
    {
        int error = Marshal.GetLastWin32Error();
        return new IOException(new Win32Exception(error).Message, error);
    }

    private static byte[] NullTerminatedUtf8(string value) => Encoding.UTF8.GetBytes(value + "\0");

    private const uint MoveFileReplaceExisting = 0x1;
    private const uint MoveFileWriteThrough = 0x8;

    [StructLayout(LayoutKind.Sequential)]
    private struct SecurityAttributes
    {
        public int Length;
        public IntPtr SecurityDescriptor;
        public int InheritHandle;
    }

    // open(2) is variadic; on Linux (x86-64 and arm64) the mode travels like a named argument.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags, int mode);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(byte[] oldPath, byte[] newPath);

    [DllImport("kernel32.dll", EntryPoint = "CreateFileW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern SafeFileHandle CreateFileW(string fileName, uint desiredAccess, uint shareMode, ref SecurityAttributes securityAttributes, uint creationDisposition, uint flagsAndAttributes, IntPtr templateFile);

    [DllImport("kernel32.dll", EntryPoint = "MoveFileExW", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool MoveFileExW(string existingFileName, string newFileName, uint flags);

    [DllImport("advapi32.dll", EntryPoint = "ConvertStringSecurityDescriptorToSecurityDescriptorW", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string stringSecurityDescriptor, uint stringSdRevision, out IntPtr securityDescriptor, IntPtr securityDescriptorSize);

    [DllImport("kernel32.dll", EntryPoint = "LocalFree", SetLastError = true)]
    private static extern IntPtr LocalFree(IntPtr memory);
}
