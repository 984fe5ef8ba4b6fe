using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using PsCredRotate.Loading;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests.Loading;

/// <summary>
/// The decision behind the Windows PowerShell assembly resolve handler (src/PsCredRotate/Loading):
/// which shipped file answers a request, as a binding redirect would.
/// </summary>
public sealed class DependencyResolverTests
{
    private const string MicrosoftToken = "cc7b13ffcd2ddd51";
    private const string UnsafeToken = "b03f5f7f11d50a3a";

    private static readonly DependencyResolver Resolver = new(new[]
    {
        Shipped("System.Runtime.CompilerServices.Unsafe", "6.0.0.0", UnsafeToken, "/m/System.Runtime.CompilerServices.Unsafe.dll"),
        Shipped("System.Buffers", "4.0.3.0", MicrosoftToken, "/m/System.Buffers.dll"),
        Shipped("BouncyCastle.Crypto", "1.8.10.0", "0e99375e54769942", "/m/BouncyCastle.Crypto.dll"),
    });

    [Theory]
    [InlineData("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a")]
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")]
    public void A_lower_version_of_a_shipped_dependency_is_redirected_to_the_shipped_file(string requested) =>
        Assert.Equal("/m/" + requested.Split(',')[0] + ".dll", Resolver.Resolve(requested));

    [Fact]
    public void The_shipped_version_itself_is_served() =>
        Assert.Equal("/m/System.Buffers.dll", Resolver.Resolve("System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"));

    [Fact]
    public void A_simple_name_without_version_or_token_is_served() =>
        Assert.Equal("/m/BouncyCastle.Crypto.dll", Resolver.Resolve("BouncyCastle.Crypto"));

    [Fact]
    public void Names_compare_case_insensitively_as_the_loader_does() =>
        Assert.Equal("/m/System.Buffers.dll", Resolver.Resolve("system.buffers, Version=4.0.2.0"));

    [Fact]
    public void A_newer_version_than_shipped_is_left_alone() =>
        Assert.Null(Resolver.Resolve("System.Runtime.CompilerServices.Unsafe, Version=8.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"));

    [Fact]
    public void Another_public_key_token_is_left_alone() =>
        Assert.Null(Resolver.Resolve("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"));

    [Fact]
    public void A_satellite_assembly_of_another_culture_is_left_alone() =>
        Assert.Null(Resolver.Resolve("System.Buffers, Version=4.0.2.0, Culture=de, PublicKeyToken=cc7b13ffcd2ddd51"));

    [Theory]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed")]
    [InlineData("System.Buffers.resources, Version=4.0.2.0, Culture=en-US, PublicKeyToken=cc7b13ffcd2ddd51")]
    public void An_assembly_the_module_does_not_ship_is_left_to_others(string requested) =>
        Assert.Null(Resolver.Resolve(requested));

    [Theory]
    [InlineData("")]
    [InlineData(",,,")]
    [InlineData("System.Buffers, Version=not-a-version")]
    public void A_malformed_request_is_left_alone_without_throwing(string requested) =>
        Assert.Null(Resolver.Resolve(requested));

    [Fact]
    public void The_shipped_dependency_list_is_the_staged_folder_without_the_cmdlet_assembly()
    {
        string[] staged = Directory.GetFiles(RepoPaths.StagedModule, "*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n != "PsCredRotate")
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray()!;

        Assert.Equal(staged, DependencyResolver.ShippedDependencies.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Over_the_staged_folder_every_mismatched_reference_between_the_shipped_assemblies_is_resolved()
    {
        // What .NET Framework's binder meets: each shipped assembly's references to another shipped
        // assembly. An exact version binds by itself; any other must be answered by the handler.
        DependencyResolver resolver = DependencyResolver.FromDirectory(RepoPaths.StagedModule);
        var shipped = Directory.GetFiles(RepoPaths.StagedModule, "*.dll")
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => AssemblyName.GetAssemblyName(p), StringComparer.OrdinalIgnoreCase);

        var mismatched = new List<string>();
        foreach (string path in Directory.GetFiles(RepoPaths.StagedModule, "*.dll"))
        {
            foreach (AssemblyName reference in References(path).Where(r => shipped.ContainsKey(r.Name!)))
            {
                if (reference.Version == shipped[reference.Name!].Version)
                {
                    continue;
                }

                mismatched.Add(reference.FullName);
                Assert.Equal(Path.Combine(RepoPaths.StagedModule, reference.Name + ".dll"), resolver.Resolve(reference.FullName));
            }
        }

        // The handler is needed: System.Memory asks for Unsafe 4.0.4.1 and Buffers 4.0.2.0.
        Assert.Contains(mismatched, n => n.StartsWith("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1", StringComparison.Ordinal));
        Assert.Contains(mismatched, n => n.StartsWith("System.Buffers, Version=4.0.2.0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_first_import_hooks_the_handler_and_only_the_last_removal_unhooks_it()
    {
        var registration = new ResolveHandlerRegistration();

        Assert.True(registration.Acquire());
        Assert.False(registration.Acquire());
        Assert.False(registration.Release());
        Assert.True(registration.Release());
        Assert.Equal(0, registration.Imports);
    }

    [Fact]
    public void A_removal_without_an_import_unhooks_nothing_and_the_next_import_hooks_again()
    {
        var registration = new ResolveHandlerRegistration();

        Assert.False(registration.Release());
        Assert.Equal(0, registration.Imports);
        Assert.True(registration.Acquire());
    }

    internal static IReadOnlyList<AssemblyName> References(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetAssemblyReference(h).GetAssemblyName()).ToArray();
    }

    private static KeyValuePair<AssemblyName, string> Shipped(string name, string version, string token, string path)
    {
        var assemblyName = new AssemblyName($"{name}, Version={version}, Culture=neutral, PublicKeyToken={token}");
        return new KeyValuePair<AssemblyName, string>(assemblyName, path);
    }
}
