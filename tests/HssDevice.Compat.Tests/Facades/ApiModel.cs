using System.Collections.Generic;

namespace HssDevice.Compat.Tests.Facades;

public enum ApiTypeKind { Class, Struct, Interface, Enum, Delegate }

public enum ApiMemberKind
{
    Constructor, Method, Operator, Conversion, Property, Indexer, Field, Constant, Event, EnumValue,
    /// <summary>Constructor, Invoke, BeginInvoke, EndInvoke of a delegate: the compiler declares them itself.</summary>
    DelegateMember,
}

/// <summary>Where a declaration came from: file name and 1-based line.</summary>
public sealed record ApiSource(string File, int Line, string Text)
{
    public override string ToString() => $"{File}:{Line}: {Text.Trim()}";
}

/// <summary>One parameter as written: <c>[params|ref|out|in] TYPE NAME [= DEFAULT]</c>.</summary>
public sealed record ApiParameter(string? Modifier, string Type, string Name, string? DefaultValue);

/// <summary>One type of a listing. <see cref="Key"/> is the full name as the listing writes it, with any
/// generic parameter list (<c>System.Action&lt;T1, T2&gt;</c>); member lines name their owner by it.</summary>
public sealed class ApiType
{
    public required string Key { get; init; }
    public required string Assembly { get; init; }
    public required ApiTypeKind Kind { get; init; }
    public required IReadOnlyList<string> Modifiers { get; init; }
    public required IReadOnlyList<string> Bases { get; init; }
    public required ApiSource Source { get; init; }

    /// <summary>Delegates only.</summary>
    public string? ReturnType { get; init; }

    /// <summary>Delegates only.</summary>
    public IReadOnlyList<ApiParameter> Parameters { get; init; } = new List<ApiParameter>();

    /// <summary>Set once every type is known: the namespace, or null for a nested type.</summary>
    public string? Namespace { get; set; }

    /// <summary>Set once every type is known: the enclosing type for a nested type.</summary>
    public ApiType? Container { get; set; }

    /// <summary>Name as declared: <c>Action&lt;T1, T2&gt;</c>.</summary>
    public string DeclaredName { get; set; } = "";

    public List<ApiMember> Members { get; } = new();

    public List<ApiType> NestedTypes { get; } = new();

    public bool HasModifier(string modifier) => ((IList<string>)Modifiers).Contains(modifier);

    /// <summary>Name without its generic parameter list.</summary>
    public string SimpleName => DeclaredName.Split('<')[0];

    public int Arity => DeclaredName.Contains('<') ? DeclaredName.Split(',').Length : 0;

    /// <summary>Name for <c>Compilation.GetTypeByMetadataName</c> (<c>System.Action`2</c>, <c>A+B</c>).</summary>
    public string MetadataName
    {
        get
        {
            string own = Arity > 0 ? $"{SimpleName}`{Arity}" : SimpleName;
            if (Container != null)
            {
                return Container.MetadataName + "+" + own;
            }

            return string.IsNullOrEmpty(Namespace) ? own : Namespace + "." + own;
        }
    }

    public override string ToString() => Key;
}

/// <summary>One member line of a listing.</summary>
public sealed class ApiMember
{
    public required ApiMemberKind Kind { get; init; }
    public required IReadOnlyList<string> Modifiers { get; init; }

    /// <summary>Return, field, property or event type; target type of a conversion; null for constructors and
    /// enum values.</summary>
    public string? Type { get; init; }

    /// <summary>Member name; operator token for operators (<c>+</c>); <c>implicit</c>/<c>explicit</c> for
    /// conversions; <c>this</c> for indexers.</summary>
    public required string Name { get; init; }

    public IReadOnlyList<ApiParameter> Parameters { get; init; } = new List<ApiParameter>();

    /// <summary>Accessor list of a property, indexer: <c>get</c>, <c>set</c>, <c>protected set</c>.</summary>
    public IReadOnlyList<string> Accessors { get; init; } = new List<string>();

    /// <summary>Constant or enum value as written.</summary>
    public string? Value { get; init; }

    public required ApiSource Source { get; init; }

    /// <summary>The interface an explicit implementation names (<c>Sample.IThing</c>), else null.</summary>
    public string? ExplicitInterface { get; set; }

    public bool HasModifier(string modifier) => ((IList<string>)Modifiers).Contains(modifier);
}
