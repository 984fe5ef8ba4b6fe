using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using PsCredRotate.Module.Tests.Infrastructure;

namespace PsCredRotate.Module.Tests;

/// <summary>Every -ClientId and -ConnectionId of a connected cmdlet completes from the tenant.</summary>
public sealed class CompletionContractTests
{
    private const string ArgumentCompleterAttributeName = "System.Management.Automation.ArgumentCompleterAttribute";

    // The client id Connect-Auth0Tenant connects with: there is no tenant to read it from yet.
    private static readonly HashSet<string> NotCompleted = new(StringComparer.Ordinal) { "ConnectAuth0TenantCommand.ClientId" };

    [Theory]
    [InlineData("ClientId", "PsCredRotate.Completion.ClientIdCompleter")]
    [InlineData("ConnectionId", "PsCredRotate.Completion.ConnectionIdCompleter")]
    public void Every_parameter_of_the_name_has_its_completer(string parameter, string completer)
    {
        var missing = new List<string>();
        var found = 0;
        foreach (Type type in ModuleAssembly.Cmdlets.GetTypes().Where(t => !t.IsAbstract && ModuleAssembly.AllCmdlets.Any(c => c.ClassName == t.Name && c.Namespace == t.Namespace)))
        {
            PropertyInfo? property = type.GetProperty(parameter, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || NotCompleted.Contains(type.Name + "." + parameter))
            {
                continue;
            }

            found++;
            bool has = property.GetCustomAttributesData().Any(a =>
                a.AttributeType.FullName == ArgumentCompleterAttributeName
                && a.ConstructorArguments.Count == 1
                && a.ConstructorArguments[0].Value is Type t
                && t.FullName == completer);
            if (!has)
            {
                missing.Add($"{type.Name}.{parameter} has no [ArgumentCompleter(typeof({completer}))].");
            }
        }

        Assert.True(found > 0, $"No cmdlet has -{parameter}.");
        Assert.Empty(missing);
    }
}
