using System;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;

namespace PsCredRotate.Loading;

/// <summary>
/// The pure decision behind the module's assembly resolve handler on Windows PowerShell: which of
/// the module's own files answers a request for <see cref="AssemblyName"/>, or none. This is what a
/// binding redirect in an app.config would do (powershell.exe has none for the module's
/// dependencies): a request for an equal or lower version of a shipped dependency is served by the
/// shipped file; a request for a newer version, another culture, another public key token or an
/// assembly the module does not ship is left alone, so the failure (or another handler) stays
/// visible.
/// </summary>
/// <remarks>
/// Only base-library types here: this class runs before any dependency can be loaded, and is
/// compiled into the contract tests as well (tests/PsCredRotate.Module.Tests) to test the decision
/// without PowerShell.
/// </remarks>
internal sealed class DependencyResolver
{
    /// <summary>The dependencies the module ships beside PsCredRotate.dll (the staged list in PsCredRotate.csproj).</summary>
    public static readonly IReadOnlyList<string> ShippedDependencies = new[]
    {
        "PsCredRotate.Core",
        "BouncyCastle.Crypto",
        "System.Text.Json",
        "System.Text.Encodings.Web",
        "System.Memory",
        "System.Buffers",
        "System.Numerics.Vectors",
        "System.Runtime.CompilerServices.Unsafe",
        "System.Threading.Tasks.Extensions",
        "Microsoft.Bcl.AsyncInterfaces",
    };

    private readonly Dictionary<string, ShippedAssembly> _shipped;

    /// <param name="shipped">The module's own files: the identity each holds and its path.</param>
    public DependencyResolver(IEnumerable<KeyValuePair<AssemblyName, string>> shipped)
    {
        _shipped = new Dictionary<string, ShippedAssembly>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<AssemblyName, string> entry in shipped)
        {
            if (entry.Key.Name is { Length: > 0 } name)
            {
                _shipped[name] = new ShippedAssembly(entry.Key, entry.Value);
            }
        }
    }

    /// <summary>The shipped dependencies found in <paramref name="moduleDirectory"/>, read without loading them.</summary>
    public static DependencyResolver FromDirectory(string moduleDirectory)
    {
        var shipped = new List<KeyValuePair<AssemblyName, string>>();
        foreach (string name in ShippedDependencies)
        {
            string path = System.IO.Path.Combine(moduleDirectory, name + ".dll");
            if (!System.IO.File.Exists(path))
            {
                continue;
            }

            try
            {
                shipped.Add(new KeyValuePair<AssemblyName, string>(AssemblyName.GetAssemblyName(path), path));
            }
            catch (Exception e) when (e is BadImageFormatException or System.IO.IOException or UnauthorizedAccessException)
            {
                // Not a readable assembly: it cannot answer a request either.
            }
        }

        return new DependencyResolver(shipped);
    }

    /// <summary>
    /// The path of the shipped file that answers <paramref name="requested"/> (a full or simple
    /// assembly name, as in ResolveEventArgs.Name); null when the module has nothing to offer.
    /// </summary>
    public string? Resolve(string requested)
    {
        AssemblyName name;
        try
        {
            name = new AssemblyName(requested);
        }
        catch (Exception e) when (e is ArgumentException or System.IO.FileLoadException)
        {
            return null;
        }

        return Resolve(name);
    }

    /// <inheritdoc cref="Resolve(string)"/>
    public string? Resolve(AssemblyName requested)
    {
        if (requested.Name is not { Length: > 0 } simpleName || !_shipped.TryGetValue(simpleName, out ShippedAssembly? shipped))
        {
            return null;
        }

        // Satellite (resource) assemblies and other cultures are not ours to answer.
        if (requested.CultureInfo is { } culture && !culture.Equals(CultureInfo.InvariantCulture))
        {
            return null;
        }

        byte[]? requestedToken = requested.GetPublicKeyToken();
        if (requestedToken is { Length: > 0 } && !TokensEqual(requestedToken, shipped.Name.GetPublicKeyToken()))
        {
            return null;
        }

        // Redirect equal and lower versions up to the shipped one; never serve an older file for a newer request.
        if (requested.Version is { } version && shipped.Name.Version is { } shippedVersion && version > shippedVersion)
        {
            return null;
        }

        return shipped.Path;
    }

    private static bool TokensEqual(byte[] requested, byte[]? shipped)
    {
        if (shipped is null || shipped.Length != requested.Length)
        {
            return false;
        }

        for (int i = 0; i < requested.Length; i++)
        {
            if (requested[i] != shipped[i])
            {
                return false;
            }
        }

        return true;
    }

    private sealed class ShippedAssembly
    {
        public ShippedAssembly(AssemblyName name, string path)
        {
            Name = name;
            Path = path;
        }

        public AssemblyName Name { get; }

        public string Path { get; }
    }
}
