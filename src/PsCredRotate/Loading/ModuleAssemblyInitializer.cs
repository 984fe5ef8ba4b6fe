using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace PsCredRotate.Loading;

/// <summary>
/// Runs at Import-Module and Remove-Module. On Windows PowerShell (.NET Framework) it hooks
/// AppDomain.AssemblyResolve so that the module's dependencies load from the module folder when a
/// lower or otherwise mismatched version is requested (System.Memory 4.0.1.2 asks for
/// System.Runtime.CompilerServices.Unsafe 4.0.4.1 and System.Buffers 4.0.2.0, the module ships
/// 6.0.0.0 and 4.0.3.0; powershell.exe.config has no binding redirects for them). On PowerShell 7
/// it does nothing: the runtime's own, newer copies serve those references.
/// </summary>
/// <remarks>
/// Import stays cheap: hooking is one event subscription; the module folder is read only when the
/// runtime first asks for an assembly it cannot bind. Nothing here touches BouncyCastle, the HTTP
/// stack or System.Text.Json. See docs/compatibility.md.
/// </remarks>
public sealed class ModuleAssemblyInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly ResolveHandlerRegistration Registration = new();
    private static readonly object Gate = new();
    private static DependencyResolver? _resolver;

    /// <summary>True on .NET Framework (Windows PowerShell), where binding needs the handler.</summary>
    internal static bool IsNetFramework => string.Equals(typeof(object).Assembly.GetName().Name, "mscorlib", StringComparison.Ordinal);

    /// <summary>Called by PowerShell when the module is imported.</summary>
    public void OnImport()
    {
        if (IsNetFramework && Registration.Acquire())
        {
            AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
        }
    }

    /// <summary>Called by PowerShell when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (IsNetFramework && Registration.Release())
        {
            AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
        }
    }

    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        string? path = Resolver.Resolve(args.Name);
        return path is null ? null : Assembly.LoadFrom(path);
    }

    private static DependencyResolver Resolver
    {
        get
        {
            lock (Gate)
            {
                return _resolver ??= DependencyResolver.FromDirectory(
                    Path.GetDirectoryName(typeof(ModuleAssemblyInitializer).Assembly.Location) ?? AppContext.BaseDirectory);
            }
        }
    }
}
