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

    /// <summary>How many listing lines may stay unread before the test fails. Every line of the current
    /// listings is read, so it is 0; raise it only for a line the parser cannot reasonably read, and say
    /// which in a comment here. Unread lines are printed by the test either way.</summary>
    public const int MaxUnparsedDeclarations = 0;

    [Fact]
    public void Every_listed_declaration_is_parsed()
    {
        var listing = CheckCache.Facades.Listing;
        _output.WriteLine($"{listing.ParsedCount} declarations parsed of {listing.LineCount} lines, {listing.Types.Count} types, {listing.Unparsed.Count} unparsed");
        foreach (var (source, reason) in listing.Unparsed)
        {
            _output.WriteLine($"unparsed {source}  <- {reason}");
        }

        Assert.Equal(listing.LineCount, listing.ParsedCount + listing.Unparsed.Count);
        Assert.True(listing.Unparsed.Count <= MaxUnparsedDeclarations, string.Join("\n", listing.Unparsed.Select(u => u.Source + " <- " + u.Reason)));
        Assert.True(listing.ParsedCount > 1500, "the listings hold some 1,670 declarations");
    }

    /// <summary>Declaration forms the current listings do not use (yet) but the format allows: ref/out/in and
    /// params parameters, defaults with commas, generic methods, explicit conversions, multi-parameter
    /// indexers, accessor modifiers, events, string constants, a nested enum whose values refer to each other
    /// and members after the nested type's block, an explicit interface member as a listing would write one
    /// (Label), an interface member the listing does not show as implemented (Reset).
    /// They are read and compile alongside the real mscorlib.</summary>
    [Fact]
    public void Unusual_declaration_forms_parse_and_compile()
    {
        string[] sample =
        {
            "public interface Sample.IThing",
            "    System.Int32 Sample.IThing.Count { get; }",
            "    void Sample.IThing.Reset()",
            "    System.String Sample.IThing.Label { get; }",
            "public class Sample.Thing : System.Object, Sample.IThing",
            "    public Sample.Thing.Thing(ref System.Int32 a, out System.Int32 b, in System.Int64 c, params System.Object[] rest)",
            "    public System.Int32 Sample.Thing.Count { get; protected set; }",
            "    public T Sample.Thing.Get<T>(System.String key = \"a, (b\", System.Char separator = ',')",
            "    public static Sample.Thing Sample.Thing.operator +(Sample.Thing a, Sample.Thing b)",
            "    public static Sample.Thing.explicit operator System.Int32(Sample.Thing thing)",
            "    public System.Object Sample.Thing.this[System.Int32 row, System.String column] { get; set; }",
            "    public event System.EventHandler Sample.Thing.Changed",
            "    public const System.String Sample.Thing.Name = \"x.y\"",
            "    System.String Sample.Thing.Sample.IThing.Label { get; }",
            "public enum Sample.Thing.Kind",
            "    Sample.Thing.Kind.Both = Sample.Thing.Kind.First | Sample.Thing.Kind.Second",
            "    Sample.Thing.Kind.First = 1",
            "    Sample.Thing.Kind.Second = 2",
            "    public static Sample.Thing.Kind Sample.Thing.Default(Sample.Thing.Kind kind = 0)",
            "public delegate void Sample.Handler<TArgs>(System.Object sender, TArgs args)",
            "    public Sample.Handler<TArgs>.Handler(System.Object object, System.IntPtr method)",
            "    public virtual void Sample.Handler<TArgs>.Invoke(System.Object sender, TArgs args)",
        };
        string mscorlibPath = System.IO.Path.Combine(RepositoryPaths.NanoFrameworkApi, "mscorlib.api.txt");
        var listing = ApiListingParser.Parse(new[]
        {
            ("mscorlib", System.IO.File.ReadAllLines(mscorlibPath)),
            ("Sample", sample),
        });
        Assert.Empty(listing.Unparsed.Select(u => u.Source + " <- " + u.Reason));
        var thing = listing.TypesByKey["Sample.Thing"];
        Assert.Equal(thing, listing.TypesByKey["Sample.Thing.Kind"].Container);
        Assert.Contains(thing.Members, m => m.Name == "Default");
        Assert.Equal("Sample.IThing", thing.Members.Single(m => m.Name == "Label").ExplicitInterface);
        Assert.Equal("\"a, (b\"", thing.Members.Single(m => m.Name == "Get<T>").Parameters[0].DefaultValue);

        var facades = FacadeBuilder.Build(listing);
        foreach (var facade in facades.Facades.Where(f => f.Name == "Sample"))
        {
            _output.WriteLine(facade.Source);
        }

        Assert.Empty(facades.Errors);
        Assert.Contains(facades.AddedInterfaceImplementations, a => a.StartsWith("Sample.Thing: Sample.IThing.Reset"));
        Assert.DoesNotContain(facades.AddedInterfaceImplementations, a => a.StartsWith("Sample.Thing: Sample.IThing.Label"));
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
