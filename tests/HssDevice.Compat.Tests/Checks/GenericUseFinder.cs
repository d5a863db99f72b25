using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HssDevice.Compat.Tests.Checks;

/// <summary>Generics in device code. mscorlib 1.x declares Action&lt;T&gt;, Func&lt;T, TResult&gt; and
/// EventHandler&lt;TEventArgs&gt;, so compiling against it accepts them, but the 1.x runtime and its metadata
/// processor do not support generics at all: every generic declaration of our own (HSSNF01) and every use of
/// a generic type or method, written or inferred (HSSNF02), is a finding.</summary>
public static class GenericUseFinder
{
    public const string DeclarationCode = "HSSNF01";
    public const string UseCode = "HSSNF02";

    public static IEnumerable<Finding> Find(SemanticModel model, string file)
    {
        var root = model.SyntaxTree.GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            string? declared = node switch
            {
                TypeDeclarationSyntax { TypeParameterList: not null } t => $"type {t.Identifier.Text}{t.TypeParameterList}",
                DelegateDeclarationSyntax { TypeParameterList: not null } d => $"delegate {d.Identifier.Text}{d.TypeParameterList}",
                MethodDeclarationSyntax { TypeParameterList: not null } m => $"method {m.Identifier.Text}{m.TypeParameterList}",
                LocalFunctionStatementSyntax { TypeParameterList: not null } l => $"local function {l.Identifier.Text}{l.TypeParameterList}",
                _ => null,
            };
            if (declared != null)
            {
                yield return new Finding(file, Line(node), DeclarationCode, $"generic {declared} declared: nanoFramework 1.x has no generics");
            }

            if (node is not ExpressionSyntax)
            {
                continue;
            }

            var symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is IMethodSymbol { IsGenericMethod: true } method)
            {
                yield return new Finding(file, Line(node), UseCode, $"generic method {method.ToDisplayString()} used: nanoFramework 1.x has no generics");
            }

            var typeInfo = model.GetTypeInfo(node);
            foreach (var type in new[] { symbol as ITypeSymbol, typeInfo.Type, typeInfo.ConvertedType })
            {
                if (type != null && IsGeneric(type))
                {
                    yield return new Finding(file, Line(node), UseCode, $"generic type {type.ToDisplayString()} used: nanoFramework 1.x has no generics");
                }
            }
        }
    }

    private static bool IsGeneric(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => IsGeneric(array.ElementType),
        INamedTypeSymbol named => named.IsGenericType || (named.ContainingType != null && IsGeneric(named.ContainingType)),
        _ => false,
    };

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
}
