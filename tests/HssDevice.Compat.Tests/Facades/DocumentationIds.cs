using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>Documentation-comment IDs (the NAME.txt listings): how listing names map to them, and the IDs of
/// everything public or protected in a compiled facade.</summary>
public static class DocumentationIds
{
    /// <summary><c>System.Action&lt;T1, T2&gt;</c> becomes <c>System.Action`2</c>.</summary>
    public static string TypeName(string key)
    {
        var segments = Facades.DeclarationCursor.SplitDots(key).Select(segment =>
        {
            int open = segment.IndexOf('<');
            return open < 0 ? segment : segment.Substring(0, open) + "`" + segment.Split(',').Length;
        });
        return string.Join(".", segments);
    }

    public static string ParameterType(ApiParameter parameter)
    {
        string type = parameter.Type;
        return parameter.Modifier is "ref" or "out" or "in" ? type + "@" : type;
    }

    /// <summary>IDs of the public and protected types and members of <paramref name="assembly"/>, the way the
    /// listings were made: from metadata, so value types include their implicit parameterless constructor.</summary>
    public static SortedSet<string> Of(IAssemblySymbol assembly)
    {
        var ids = new SortedSet<string>(System.StringComparer.Ordinal);
        Collect(assembly.GlobalNamespace, ids);
        return ids;
    }

    private static void Collect(INamespaceSymbol ns, SortedSet<string> ids)
    {
        foreach (var child in ns.GetNamespaceMembers())
        {
            Collect(child, ids);
        }

        foreach (var type in ns.GetTypeMembers())
        {
            Collect(type, ids);
        }
    }

    private static void Collect(INamedTypeSymbol type, SortedSet<string> ids)
    {
        if (!IsVisible(type))
        {
            return;
        }

        ids.Add(type.GetDocumentationCommentId()!);
        foreach (var member in type.GetMembers())
        {
            if (member is INamedTypeSymbol nested)
            {
                Collect(nested, ids);
            }
            else if (IsVisible(member) && member.GetDocumentationCommentId() is { } id)
            {
                ids.Add(id);
            }
        }
    }

    private static bool IsVisible(ISymbol symbol) =>
        symbol.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal;
}
