using System;
using System.Runtime.InteropServices;

namespace PsCredRotate.Benchmarks;

/// <summary>
/// CPU time from getrusage(2) on Linux: of the calling thread, and of the child processes already
/// waited for. CPU time is what <c>openssl speed</c> divides by (user time, unless -elapsed), and it
/// is much less disturbed than wall-clock time when other work shares the machine.
/// Null where getrusage is not available.
/// </summary>
internal static class CpuClock
{
    private const int RusageChildren = -1;
    private const int RusageThread = 1;

    public static bool Available => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>User CPU time of the calling thread.</summary>
    public static TimeSpan? ThreadUser() => Read(RusageThread, includeSystem: false);

    /// <summary>User + system CPU time of the calling thread.</summary>
    public static TimeSpan? ThreadTotal() => Read(RusageThread, includeSystem: true);

    /// <summary>User + system CPU time of all terminated, waited-for child processes.</summary>
    public static TimeSpan? ChildrenTotal() => Read(RusageChildren, includeSystem: true);

    private static TimeSpan? Read(int who, bool includeSystem)
    {
        if (!Available || NativeMethods.getrusage(who, out NativeMethods.RUsage usage) != 0)
        {
            return null;
        }

        long micros = usage.UserSeconds * 1_000_000 + usage.UserMicroseconds;
        if (includeSystem)
        {
            micros += usage.SystemSeconds * 1_000_000 + usage.SystemMicroseconds;
        }

        return TimeSpan.FromTicks(micros * 10);
    }

    private static class NativeMethods
    {
        /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs.</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct RUsage
        {
            public long UserSeconds;
            public long UserMicroseconds;
            public long SystemSeconds;
            public long SystemMicroseconds;
            public long MaxRss;
            public long SharedRss;
            public long UnsharedData;
            public long UnsharedStack;
            public long MinorFaults;
            public long MajorFaults;
            public long Swaps;
            public long BlockIn;
            public long BlockOut;
            public long MessagesSent;
            public long MessagesReceived;
            public long Signals;
            public long VoluntarySwitches;
            public long InvoluntarySwitches;
        }

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int getrusage(int who, out RUsage usage);
    }
}
