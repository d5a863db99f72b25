using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>One compiled facade assembly.</summary>
public sealed record Facade(string Name, string Source, MetadataReference Reference);

/// <summary>The facades of every listing, compiled and emitted in memory, and what went wrong on the way.</summary>
public sealed class FacadeSet
{
    public required ApiListing Listing { get; init; }

    public required IReadOnlyList<Facade> Facades { get; init; }

    /// <summary>Errors of the facade compilations themselves; a correct generator leaves none.</summary>
    public required IReadOnlyList<string> Errors { get; init; }

    /// <summary>Explicit interface implementations added, as "Type: member" (see FacadeBuilder).</summary>
    public required IReadOnlyList<string> AddedInterfaceImplementations { get; init; }

    public IEnumerable<MetadataReference> References => Facades.Select(f => f.Reference);
}

/// <summary>Builds facade assemblies from ../shared/nanoframework-api/*.api.txt. mscorlib is compiled as the core
/// library with no reference at all (the NoStdLib situation: it declares System.Object, System.ValueType,
/// System.Enum, System.Attribute and the rest itself); every other facade references the ones it uses.</summary>
public static class FacadeBuilder
{
    public const string CoreLibrary = "mscorlib";

    private static readonly Regex QualifiedName = new(@"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", RegexOptions.CultureInvariant);

    public static FacadeSet Build(string apiDirectory) => Build(ApiListingParser.ParseDirectory(apiDirectory));

    public static FacadeSet Build(ApiListing listing)
    {
        var writer = new FacadeSourceWriter(listing);
        var built = new List<Facade>();
        var errors = new List<string>();
        var added = new List<string>();
        foreach (string assembly in BuildOrder(listing, errors))
        {
            var references = built.Select(f => f.Reference).ToList();

            // Pass 1 finds interface members the listed public members do not implement. The listings show
            // public API only, so members a type implements explicitly (Array's IList.Add, ...) are missing; the
            // stubs get explicit implementations, which are private and add nothing a caller can see.
            var first = Compile(assembly, writer.Write(assembly, new Dictionary<string, List<string>>()), references);
            var extras = MissingInterfaceImplementations(first, listing, assembly, added);
            string source = writer.Write(assembly, extras);
            var compilation = Compile(assembly, source, references);
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
                string text = line < source.Split('\n').Length ? source.Split('\n')[line].Trim() : "";
                errors.Add($"{assembly} facade line {line + 1}: {diagnostic.Id} {diagnostic.GetMessage()} [{text}]");
            }

            built.Add(new Facade(assembly, source, MetadataReference.CreateFromImage(image.ToArray(), filePath: assembly + ".dll")));
        }

        return new FacadeSet { Listing = listing, Facades = built, Errors = errors, AddedInterfaceImplementations = added };
    }

    private static CSharpCompilation Compile(string assembly, string source, IEnumerable<MetadataReference> references)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.CSharp9), path: assembly + ".g.cs");
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable);
        return CSharpCompilation.Create(assembly, new[] { tree }, references, options);
    }

    /// <summary>Assemblies ordered so that each comes after those whose types its declarations name.</summary>
    private static List<string> BuildOrder(ApiListing listing, List<string> errors)
    {
        var definingAssembly = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in listing.Types)
        {
            definingAssembly[type.Key.Split('<')[0]] = type.Assembly;
        }

        var dependencies = listing.Assemblies.ToDictionary(a => a, _ => new HashSet<string>());
        foreach (var type in listing.Types)
        {
            foreach (string text in NamesUsedBy(type))
            {
                foreach (Match match in QualifiedName.Matches(text))
                {
                    string? assembly = LongestTypePrefix(match.Value, definingAssembly);
                    if (assembly != null && assembly != type.Assembly)
                    {
                        dependencies[type.Assembly].Add(assembly);
                    }
                }
            }
        }

        // Every facade references the core library even if its declarations never name it.
        foreach (var (assembly, set) in dependencies)
        {
            if (assembly != CoreLibrary && dependencies.ContainsKey(CoreLibrary))
            {
                set.Add(CoreLibrary);
            }
        }

        var order = new List<string>();
        var state = new Dictionary<string, bool>();
        void Visit(string assembly)
        {
            if (state.TryGetValue(assembly, out bool done))
            {
                if (!done)
                {
                    errors.Add($"listings depend on each other in a cycle through {assembly}");
                }

                return;
            }

            state[assembly] = false;
            foreach (string dependency in dependencies[assembly].OrderBy(d => d, StringComparer.Ordinal))
            {
                Visit(dependency);
            }

            state[assembly] = true;
            order.Add(assembly);
        }

        foreach (string assembly in listing.Assemblies)
        {
            Visit(assembly);
        }

        return order;
    }

    private static IEnumerable<string> NamesUsedBy(ApiType type)
    {
        foreach (string b in type.Bases)
        {
            yield return b;
        }

        if (type.ReturnType != null)
        {
            yield return type.ReturnType;
        }

        foreach (var p in type.Parameters)
        {
            yield return p.Type;
        }

        foreach (var member in type.Members)
        {
            if (member.Type != null)
            {
                yield return member.Type;
            }

            if (member.Value != null)
            {
                yield return member.Value;
            }

            foreach (var p in member.Parameters)
            {
                yield return p.Type;
                if (p.DefaultValue != null)
                {
                    yield return p.DefaultValue;
                }
            }
        }
    }

    private static string? LongestTypePrefix(string name, Dictionary<string, string> definingAssembly)
    {
        string candidate = name;
        while (true)
        {
            if (definingAssembly.TryGetValue(candidate, out var assembly))
            {
                return assembly;
            }

            int dot = candidate.LastIndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate.Substring(0, dot);
        }
    }

    private static Dictionary<string, List<string>> MissingInterfaceImplementations(CSharpCompilation compilation, ApiListing listing, string assembly, List<string> added)
    {
        var extras = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in listing.Types.Where(t => t.Assembly == assembly && (t.Kind == ApiTypeKind.Class || t.Kind == ApiTypeKind.Struct)))
        {
            var symbol = compilation.GetTypeByMetadataName(type.MetadataName);
            if (symbol == null)
            {
                continue;
            }

            foreach (var contract in symbol.AllInterfaces)
            {
                foreach (var member in contract.GetMembers().Where(m => !m.IsStatic))
                {
                    if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                    {
                        continue;
                    }

                    if (symbol.FindImplementationForInterfaceMember(member) != null)
                    {
                        continue;
                    }

                    string? declaration = ExplicitImplementation(member);
                    if (declaration != null)
                    {
                        if (!extras.TryGetValue(type.Key, out var list))
                        {
                            extras[type.Key] = list = new List<string>();
                        }

                        list.Add(declaration);
                        added.Add($"{type.Key}: {member.ToDisplayString()}");
                    }
                }
            }
        }

        return extras;
    }

    private static string? ExplicitImplementation(ISymbol member)
    {
        string contract = member.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        switch (member)
        {
            case IMethodSymbol method:
                string returns = method.ReturnsVoid ? "void" : Display(method.ReturnType);
                return $"{returns} {contract}.{method.Name}({Parameters(method.Parameters)}) => throw null;";
            case IPropertySymbol property:
                string name = property.IsIndexer ? $"this[{Parameters(property.Parameters)}]" : property.Name;
                string getter = property.GetMethod != null ? "get => throw null; " : "";
                string setter = property.SetMethod != null ? "set => throw null; " : "";
                return $"{Display(property.Type)} {contract}.{name} {{ {getter}{setter}}}";
            case IEventSymbol @event:
                return $"event {Display(@event.Type)} {contract}.{@event.Name} {{ add {{ }} remove {{ }} }}";
            default:
                return null;
        }
    }

    private static string Parameters(IEnumerable<IParameterSymbol> parameters) => string.Join(", ", parameters.Select(p =>
    {
        string modifier = p.IsParams ? "params " : p.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In => "in ",
            _ => "",
        };
        return $"{modifier}{Display(p.Type)} @{p.Name}";
    }));

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
