using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HssDevice.Compat.Tests.Checks;

/// <summary>One-way dependencies between the folders of firmware/HssDevice, checked on the compiled firmware:
/// every symbol a file names (types, members, and the types expressions have) is traced to the folder that
/// declares it. The layer of a symbol is the folder of its declaring file, so a type placed in the wrong
/// namespace cannot slip through.</summary>
public static class LayerChecker
{
    public const string LibraryFolder = "firmware/HssDevice/";
    public const string UnknownFolderCode = "HSSL01";
    public const string ViolationCode = "HSSL02";

    /// <summary>Folder -> folders it may use (besides itself). Wire is the bottom; Usb (descriptors) stays
    /// off the engine, the sockets and the transports. HssDevice.csproj compiles exactly these folders.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> MayUse = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Wire"] = Array.Empty<string>(),
        ["Errors"] = new[] { "Wire" },
        ["Transport"] = Array.Empty<string>(),
        ["Engine"] = new[] { "Wire", "Errors", "Transport" },
        ["Sockets"] = new[] { "Engine", "Wire", "Errors", "Transport" },
        ["Usb"] = new[] { "Wire", "Errors" },

        // Assembly attributes (InternalsVisibleTo) only.
        ["Properties"] = Array.Empty<string>(),
    };

    /// <summary>Link assemblies: the firmware projects beside the library that give the engine a link. They
    /// implement Transport's IHssLink (and the native one hands the board's descriptors from Usb to the firmware);
    /// the engine, the sockets and the wire format stay out of them, so a link never depends on the protocol.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> LinkAssemblyMayUse = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["HssDevice.UsbStream"] = new[] { "Transport" },
        ["HssDevice.NativeUsb"] = new[] { "Transport", "Usb" },
    };

    /// <summary>Every use of a library symbol in a link assembly (or a planted file checked as one) whose folder
    /// is not in <paramref name="allowed"/>.</summary>
    public static IReadOnlyList<Finding> CheckLinkAssembly(Compilation project, string assembly, IReadOnlyCollection<string> allowed)
    {
        var findings = new List<Finding>();
        foreach (var tree in project.SyntaxTrees)
        {
            var model = project.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                foreach (var (symbol, usedLayers) in UsedSymbols(model, node))
                {
                    if (usedLayers.Count > 0 && !usedLayers.Any(allowed.Contains))
                    {
                        int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        findings.Add(new Finding(tree.FilePath, line, ViolationCode, $"{assembly} may not use {string.Join("/", usedLayers)}: {symbol.ToDisplayString()}"));
                    }
                }
            }
        }

        return findings.Distinct().OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
    }

    /// <summary>The folder right under firmware/HssDevice/, "" for a file directly in it, null outside.</summary>
    public static string? LayerOf(string path)
    {
        if (!path.StartsWith(LibraryFolder, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = path.Substring(LibraryFolder.Length);
        int slash = rest.IndexOf('/');
        return slash < 0 ? "" : rest.Substring(0, slash);
    }

    public static IReadOnlyList<Finding> Check(Compilation firmware)
    {
        var findings = new List<Finding>();
        foreach (var tree in firmware.SyntaxTrees)
        {
            string? layer = LayerOf(tree.FilePath);
            if (layer == null)
            {
                continue;
            }

            if (!MayUse.TryGetValue(layer, out var allowed))
            {
                // HssDevice.csproj compiles only these folders, so such a file would be left out of the net10 build.
                findings.Add(new Finding(tree.FilePath, 1, UnknownFolderCode,
                    $"file outside the layer folders ({string.Join(", ", MayUse.Keys)}): add its folder to LayerChecker.MayUse and HssDevice.csproj"));
                continue;
            }

            var model = firmware.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                foreach (var (symbol, usedLayers) in UsedSymbols(model, node))
                {
                    // A type split over folders (partial) may be used if any of its folders may be.
                    if (usedLayers.Count > 0 && !usedLayers.Any(used => used == layer || allowed.Contains(used)))
                    {
                        int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        findings.Add(new Finding(tree.FilePath, line, ViolationCode, $"{layer} may not use {string.Join("/", usedLayers)}: {symbol.ToDisplayString()}"));
                    }
                }
            }
        }

        return findings.Distinct().OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
    }

    private static IEnumerable<(ISymbol Symbol, List<string> Layers)> UsedSymbols(SemanticModel model, SyntaxNode node)
    {
        if (node.Ancestors().Any(a => a is BaseNamespaceDeclarationSyntax ns && ns.Name.Span.Contains(node.Span)))
        {
            yield break; // the name of a namespace declaration is not a use
        }

        if (node is UsingDirectiveSyntax { Name: { } name })
        {
            // A using of one of our namespaces: a violation when none of the folders declaring its types may be used.
            if (model.GetSymbolInfo(name).Symbol is INamespaceSymbol imported)
            {
                var layers = imported.GetTypeMembers().SelectMany(LayersOf).Distinct().ToList();
                yield return (imported, layers);
            }

            yield break;
        }

        if (node.Ancestors().Any(a => a is UsingDirectiveSyntax) || node is not (ExpressionSyntax or TypeSyntax))
        {
            yield break;
        }

        var info = model.GetSymbolInfo(node);
        var typeInfo = model.GetTypeInfo(node);
        var symbols = new List<ISymbol?> { info.Symbol, typeInfo.Type, typeInfo.ConvertedType };
        symbols.AddRange(info.CandidateSymbols);
        foreach (var symbol in symbols)
        {
            if (symbol == null || symbol is INamespaceSymbol or ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol)
            {
                continue;
            }

            var owner = DeclaringType(symbol);
            if (owner == null)
            {
                continue;
            }

            yield return (symbol, LayersOf(owner).ToList());
        }
    }

    private static INamedTypeSymbol? DeclaringType(ISymbol symbol)
    {
        switch (symbol)
        {
            case IArrayTypeSymbol array:
                return DeclaringType(array.ElementType);
            case INamedTypeSymbol type:
                var original = type.OriginalDefinition;
                while (original.ContainingType != null)
                {
                    original = original.ContainingType;
                }

                return original;
            default:
                return symbol.ContainingType is { } containing ? DeclaringType(containing) : null;
        }
    }

    private static IEnumerable<string> LayersOf(INamedTypeSymbol type) => type.Locations
        .Where(l => l.IsInSource)
        .Select(l => LayerOf(l.SourceTree!.FilePath))
        .Where(l => l != null)
        .Select(l => l!)
        .Distinct();
}
