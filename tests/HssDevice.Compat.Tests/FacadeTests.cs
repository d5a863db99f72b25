using System;
using System.Collections.Generic;
using System.Linq;
using HssDevice.Compat.Tests.Facades;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.Compat.Tests;

/// <summary>The facades themselves: every listed declaration read, compiled without error, and exactly the
/// listed API.</summary>
public class FacadeTests
{
    private readonly ITestOutputHelper _output;

    public FacadeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Every_listed_declaration_is_parsed()
    {
        var listing = CheckCache.Facades.Listing;
        foreach (var (source, reason) in listing.Unparsed)
        {
            _output.WriteLine($"{source}  <- {reason}");
        }

        Assert.Empty(listing.Unparsed.Select(u => u.Source + " <- " + u.Reason));
    }

    [Fact]
    public void Facade_assemblies_compile_without_errors()
    {
        var facades = CheckCache.Facades;
        foreach (string error in facades.Errors)
        {
            _output.WriteLine(error);
        }

        Assert.True(facades.Errors.Count == 0, string.Join("\n", facades.Errors.Take(50)));
    }

    /// <summary>The strongest check of the generator: the public and protected API of each emitted facade, as
    /// documentation IDs, equals the NAME.txt listing, which was made from the real assembly.</summary>
    [Fact]
    public void Facade_api_equals_the_documentation_id_listings()
    {
        var facades = CheckCache.Facades;
        var probe = CSharpCompilation.Create("probe", references: facades.References);
        var differences = new List<string>();
        foreach (var facade in facades.Facades)
        {
            var assembly = (IAssemblySymbol)probe.GetAssemblyOrModuleSymbol(facade.Reference)!;
            var actual = DocumentationIds.Of(assembly);
            var expected = facades.Listing.DocumentationIds[facade.Name];
            Assert.NotEmpty(expected);
            _output.WriteLine($"{facade.Name}: {expected.Count} listed, {actual.Count} in the facade");
            differences.AddRange(expected.Where(id => !actual.Contains(id)).Select(id => $"{facade.Name}: missing {id}"));
            differences.AddRange(actual.Where(id => !expected.Contains(id)).Select(id => $"{facade.Name}: extra {id}"));
        }

        foreach (string difference in differences)
        {
            _output.WriteLine(difference);
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(50)));
    }
}
