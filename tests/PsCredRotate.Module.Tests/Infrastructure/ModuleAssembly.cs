using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace PsCredRotate.Module.Tests.Infrastructure;

/// <summary>
/// The staged cmdlet assembly (out/PsCredRotate/PsCredRotate.dll) loaded as metadata only, with
/// PowerShellStandard's reference assembly to resolve System.Management.Automation. Nothing runs.
/// </summary>
internal static class ModuleAssembly
{
    private const string AllParameterSets = "__AllParameterSets";
    private const string CmdletAttributeName = "System.Management.Automation.CmdletAttribute";
    private const string ParameterAttributeName = "System.Management.Automation.ParameterAttribute";
    private const string OutputTypeAttributeName = "System.Management.Automation.OutputTypeAttribute";
    private const string AliasAttributeName = "System.Management.Automation.AliasAttribute";
    private const string ValidateSetAttributeName = "System.Management.Automation.ValidateSetAttribute";

    // Kept for the test run: metadata objects are only valid while their context lives.
    private static readonly Lazy<MetadataLoadContext> Context = new(CreateContext);
    private static readonly Lazy<Assembly> CmdletAssemblyLazy = new(() => Context.Value.LoadFromAssemblyPath(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.dll")));
    private static readonly Lazy<Assembly> CoreAssemblyLazy = new(() => Context.Value.LoadFromAssemblyPath(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.Core.dll")));
    private static readonly Lazy<IReadOnlyList<CmdletFacts>> CmdletsLazy = new(ReadCmdlets);

    public static Assembly Cmdlets => CmdletAssemblyLazy.Value;

    public static Assembly Core => CoreAssemblyLazy.Value;

    /// <summary>Every non-abstract class carrying [Cmdlet].</summary>
    public static IReadOnlyList<CmdletFacts> AllCmdlets => CmdletsLazy.Value;

    /// <summary>A public type of the module's own assemblies, by full name; null if there is none.</summary>
    public static Type? FindModuleType(string fullName) =>
        new[] { Cmdlets, Core }.Select(a => a.GetType(fullName)).FirstOrDefault(t => t is not null && t.IsPublic);

    public static bool IsModuleType(string fullName) =>
        fullName.StartsWith("PsCredRotate.", StringComparison.Ordinal);

    private static MetadataLoadContext CreateContext()
    {
        if (!File.Exists(Path.Combine(RepoPaths.StagedModule, "PsCredRotate.dll")))
        {
            throw new FileNotFoundException($"The staged module is missing in {RepoPaths.StagedModule}; build src/PsCredRotate first.");
        }

        // The staged folder, PowerShell's reference assembly, then the runtime's assemblies except
        // those the staged folder already has, so every simple name resolves to exactly one file.
        var paths = new List<string>();
        paths.AddRange(Directory.GetFiles(RepoPaths.StagedModule, "*.dll"));
        paths.Add(RepoPaths.PowerShellReferenceAssembly);
        var staged = new HashSet<string>(paths.Select(Path.GetFileName)!, StringComparer.OrdinalIgnoreCase);
        paths.AddRange(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Where(p => !staged.Contains(Path.GetFileName(p))));
        return new MetadataLoadContext(new PathAssemblyResolver(paths));
    }

    private static IReadOnlyList<CmdletFacts> ReadCmdlets()
    {
        var result = new List<CmdletFacts>();
        foreach (Type type in Cmdlets.GetTypes())
        {
            CustomAttributeData? cmdlet = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == CmdletAttributeName);
            if (cmdlet is null || type.IsAbstract)
            {
                continue;
            }

            result.Add(ReadCmdlet(type, cmdlet));
        }

        return result;
    }

    private static CmdletFacts ReadCmdlet(Type type, CustomAttributeData cmdlet)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var details = new List<ParameterFacts>();
        var sets = new HashSet<string>(StringComparer.Ordinal);
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var parameterAttributes = property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == ParameterAttributeName).ToList();
            if (parameterAttributes.Count == 0)
            {
                continue;
            }

            parameters[property.Name] = property.PropertyType.FullName ?? property.PropertyType.Name;
            var usages = new List<ParameterSetFacts>();
            foreach (CustomAttributeData attribute in parameterAttributes)
            {
                string? set = Named<string>(attribute, "ParameterSetName");
                if (set is not null && set != AllParameterSets)
                {
                    sets.Add(set);
                }

                usages.Add(new ParameterSetFacts
                {
                    SetName = set is null || set == AllParameterSets ? null : set,
                    Mandatory = Named<bool?>(attribute, "Mandatory") ?? false,
                    Position = Named<int?>(attribute, "Position"),
                    ValueFromPipeline = Named<bool?>(attribute, "ValueFromPipeline") ?? false,
                    ValueFromPipelineByPropertyName = Named<bool?>(attribute, "ValueFromPipelineByPropertyName") ?? false,
                    HelpMessage = Named<string>(attribute, "HelpMessage"),
                });
            }

            details.Add(new ParameterFacts
            {
                Name = property.Name,
                Type = property.PropertyType.FullName ?? property.PropertyType.Name,
                Aliases = StringArguments(property, AliasAttributeName),
                ValidateSet = StringArguments(property, ValidateSetAttributeName),
                Usages = usages,
            });
        }

        var outputTypes = new List<string>();
        foreach (CustomAttributeData attribute in type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == OutputTypeAttributeName))
        {
            foreach (CustomAttributeTypedArgument argument in attribute.ConstructorArguments)
            {
                if (argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items)
                {
                    outputTypes.AddRange(items.Select(i => i.Value is Type t ? t.FullName! : (string)i.Value!));
                }
            }
        }

        var constants = new HashSet<string>(
            type.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy)
                .Where(f => f.IsLiteral && f.FieldType.FullName == "System.String" && f.Name.EndsWith("ParameterSet", StringComparison.Ordinal))
                .Select(f => (string)f.GetRawConstantValue()!),
            StringComparer.Ordinal);

        object? confirmImpact = cmdlet.NamedArguments.FirstOrDefault(a => a.MemberName == "ConfirmImpact").TypedValue.Value;
        return new CmdletFacts
        {
            ClassName = type.Name,
            Namespace = type.Namespace ?? string.Empty,
            IsSealed = type.IsSealed,
            Verb = (string)cmdlet.ConstructorArguments[0].Value!,
            Noun = (string)cmdlet.ConstructorArguments[1].Value!,
            SupportsShouldProcess = Named<bool?>(cmdlet, "SupportsShouldProcess") ?? false,
            ConfirmImpact = confirmImpact is null ? "Medium" : ConfirmImpactName(Convert.ToInt32(confirmImpact, System.Globalization.CultureInfo.InvariantCulture)),
            DefaultParameterSetName = Named<string>(cmdlet, "DefaultParameterSetName"),
            OutputTypes = outputTypes,
            ParameterSetNames = sets,
            ParameterSetConstants = constants,
            Parameters = parameters,
            ParameterDetails = details,
        };
    }

    /// <summary>The params string[] of an attribute on <paramref name="property"/> (Alias, ValidateSet); empty without it.</summary>
    private static IReadOnlyList<string> StringArguments(PropertyInfo property, string attributeName) =>
        property.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == attributeName)
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => (string)i.Value!) : [(string)arg.Value!])
            .ToArray();

    // System.Management.Automation.ConfirmImpact: None, Low, Medium, High.
    private static string ConfirmImpactName(int value) => value switch
    {
        0 => "None",
        1 => "Low",
        2 => "Medium",
        3 => "High",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static T? Named<T>(CustomAttributeData attribute, string name)
    {
        foreach (CustomAttributeNamedArgument argument in attribute.NamedArguments)
        {
            if (argument.MemberName == name)
            {
                return (T?)argument.TypedValue.Value;
            }
        }

        return default;
    }
}
