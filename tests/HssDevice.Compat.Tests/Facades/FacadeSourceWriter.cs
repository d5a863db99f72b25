using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>Turns the parsed listing of one assembly into C# stubs: every declaration as listed, method and
/// accessor bodies <c>throw null</c>. Names are written <c>global::</c>-qualified so that no namespace of the
/// listing can capture another's name.</summary>
public sealed class FacadeSourceWriter
{
    private readonly ApiListing _listing;
    private readonly Regex _qualifiable;

    public FacadeSourceWriter(ApiListing listing)
    {
        _listing = listing;
        var roots = listing.Types
            .Select(t => (t.Namespace ?? "").Split('.')[0])
            .Where(r => r.Length > 0)
            .Distinct()
            .OrderByDescending(r => r.Length);
        _qualifiable = new Regex(@"(?<![\w.:@])(" + string.Join("|", roots.Select(Regex.Escape)) + @")\.", RegexOptions.CultureInvariant);
    }

    /// <summary>C# source of <paramref name="assembly"/>. <paramref name="extraMembers"/> maps a type key to
    /// member declarations to add verbatim (explicit interface implementations, see FacadeBuilder).</summary>
    public string Write(string assembly, IReadOnlyDictionary<string, List<string>> extraMembers)
    {
        var text = new StringBuilder();
        text.AppendLine("// Generated from " + assembly + ".api.txt by HssDevice.Compat.Tests. Do not edit.");
        var topLevel = _listing.Types.Where(t => t.Assembly == assembly && t.Container == null);
        foreach (var group in topLevel.GroupBy(t => t.Namespace))
        {
            bool inNamespace = !string.IsNullOrEmpty(group.Key);
            if (inNamespace)
            {
                text.AppendLine("namespace " + group.Key).AppendLine("{");
            }

            foreach (var type in group)
            {
                WriteType(text, type, inNamespace ? 1 : 0, extraMembers);
            }

            if (inNamespace)
            {
                text.AppendLine("}");
            }
        }

        return text.ToString();
    }

    /// <summary>Names in the listing are fully qualified; this makes them <c>global::</c>-qualified.</summary>
    public string Qualify(string typeOrExpression) => _qualifiable.Replace(typeOrExpression, "global::$1.");

    private void WriteType(StringBuilder text, ApiType type, int depth, IReadOnlyDictionary<string, List<string>> extraMembers)
    {
        string indent = new string(' ', depth * 4);
        string inner = new string(' ', (depth + 1) * 4);
        foreach (string attribute in FacadeSupplements.TypeAttributes(type))
        {
            text.Append(indent).AppendLine(attribute);
        }

        string modifiers = string.Join(" ", type.Modifiers);
        if (type.Kind == ApiTypeKind.Delegate)
        {
            text.Append(indent).AppendLine($"{modifiers} delegate {Qualify(type.ReturnType!)} {type.DeclaredName}({Parameters(type.Parameters)});");
            return;
        }

        string keyword = type.Kind switch
        {
            ApiTypeKind.Class => "class",
            ApiTypeKind.Struct => "struct",
            ApiTypeKind.Interface => "interface",
            _ => "enum",
        };
        string bases = type.Bases.Count > 0 ? " : " + string.Join(", ", type.Bases.Select(Qualify)) : "";
        if (type.Kind == ApiTypeKind.Enum)
        {
            bases = EnumUnderlyingType(type);
        }

        text.Append(indent).AppendLine($"{modifiers} {keyword} {type.DeclaredName}{bases}");
        text.Append(indent).AppendLine("{");
        if (type.Kind == ApiTypeKind.Class && !type.HasModifier("static") && !type.Members.Any(m => m.Kind == ApiMemberKind.Constructor))
        {
            // No constructor is listed: the real one is internal or private. Without this line C# would add a
            // public parameterless one that nanoFramework does not have.
            text.Append(inner).AppendLine($"internal {type.SimpleName}(){BaseCall(type)} {{ throw null; }}");
        }

        foreach (var member in type.Members)
        {
            string? declaration = Member(type, member);
            if (declaration != null)
            {
                text.Append(inner).AppendLine(declaration);
            }
        }

        if (extraMembers.TryGetValue(type.Key, out var extras))
        {
            foreach (string line in extras)
            {
                text.Append(inner).AppendLine(line);
            }
        }

        foreach (var nested in type.NestedTypes)
        {
            WriteType(text, nested, depth + 1, extraMembers);
        }

        text.Append(indent).AppendLine("}");
    }

    private string? Member(ApiType owner, ApiMember member)
    {
        bool bodiless = owner.Kind == ApiTypeKind.Interface || member.HasModifier("abstract") || member.HasModifier("extern");
        string modifiers = member.Modifiers.Count > 0 ? string.Join(" ", member.Modifiers) + " " : "";
        string body = bodiless ? ";" : " => throw null;";
        if (member.ExplicitInterface != null)
        {
            return ExplicitMember(member);
        }

        switch (member.Kind)
        {
            case ApiMemberKind.DelegateMember:
                return null;
            case ApiMemberKind.EnumValue:
                return $"{Name(member.Name)} = {Qualify(member.Value!)},";
            case ApiMemberKind.Constructor:
                string initializer = owner.Kind == ApiTypeKind.Class ? BaseCall(owner) : "";
                return $"{modifiers}{owner.SimpleName}({Parameters(member.Parameters)}){initializer} {{ throw null; }}";
            case ApiMemberKind.Method when member.Name == "Finalize" && member.Parameters.Count == 0 && member.HasModifier("override"):
                // C# spells an override of Finalize as a destructor (CS0249 otherwise). The listing has no
                // Object.Finalize; Roslyn compiles the destructor all the same, as Finalize.
                return $"~{owner.SimpleName}() {{ }}";
            case ApiMemberKind.Method:
                return $"{modifiers}{Qualify(member.Type!)} {Name(member.Name)}({Parameters(member.Parameters)}){body}";
            case ApiMemberKind.Operator:
                return $"{modifiers}{Qualify(member.Type!)} operator {member.Name}({Parameters(member.Parameters)}){body}";
            case ApiMemberKind.Conversion:
                return $"{modifiers}{member.Name} operator {Qualify(member.Type!)}({Parameters(member.Parameters)}){body}";
            case ApiMemberKind.Property:
                return $"{modifiers}{Qualify(member.Type!)} {Name(member.Name)} {Accessors(member, bodiless)}";
            case ApiMemberKind.Indexer:
                string attribute = FacadeSupplements.IndexerAttribute(owner, member, _listing);
                return $"{attribute}{modifiers}{Qualify(member.Type!)} this[{Parameters(member.Parameters)}] {Accessors(member, bodiless)}";
            case ApiMemberKind.Field:
                return $"{modifiers}{Qualify(member.Type!)} {Name(member.Name)};";
            case ApiMemberKind.Constant:
                return $"{modifiers}{Qualify(member.Type!)} {Name(member.Name)} = {Constant(member.Type!, member.Value!)};";
            case ApiMemberKind.Event:
                string accessors = bodiless ? ";" : " { add { } remove { } }";
                return $"{modifiers}event {Qualify(member.Type!)} {Name(member.Name)}{accessors}";
            default:
                throw new InvalidOperationException("unknown member kind " + member.Kind);
        }
    }

    /// <summary>An explicit interface implementation as listed: no modifiers, the interface before the name.</summary>
    private string ExplicitMember(ApiMember member)
    {
        string contract = Qualify(member.ExplicitInterface!);
        return member.Kind switch
        {
            ApiMemberKind.Method => $"{Qualify(member.Type!)} {contract}.{Name(member.Name)}({Parameters(member.Parameters)}) => throw null;",
            ApiMemberKind.Property => $"{Qualify(member.Type!)} {contract}.{Name(member.Name)} {Accessors(member, bodiless: false)}",
            ApiMemberKind.Indexer => $"{Qualify(member.Type!)} {contract}.this[{Parameters(member.Parameters)}] {Accessors(member, bodiless: false)}",
            ApiMemberKind.Event => $"event {Qualify(member.Type!)} {contract}.{Name(member.Name)} {{ add {{ }} remove {{ }} }}",
            _ => throw new InvalidOperationException($"{member.Source}: an explicit interface {member.Kind} cannot be declared"),
        };
    }

    /// <summary><c>: base(default(T1), ...)</c> calling the listed base constructor with the fewest
    /// parameters, or nothing when the base is object.</summary>
    public string BaseCall(ApiType type)
    {
        var baseClass = BaseClass(type);
        if (baseClass == null || baseClass.Key == "System.Object")
        {
            return "";
        }

        var constructor = baseClass.Members
            .Where(m => m.Kind == ApiMemberKind.Constructor && !m.HasModifier("private"))
            .Where(m => m.Parameters.All(p => p.Modifier != "ref" && p.Modifier != "out"))
            .OrderBy(m => m.Parameters.Count)
            .FirstOrDefault();
        if (constructor == null)
        {
            // The base gets an internal parameterless constructor (see WriteType).
            return " : base()";
        }

        return " : base(" + string.Join(", ", constructor.Parameters.Select(p => $"default({Qualify(p.Type)})")) + ")";
    }

    public ApiType? BaseClass(ApiType type)
    {
        if (type.Kind != ApiTypeKind.Class || type.Bases.Count == 0)
        {
            return null;
        }

        return _listing.TypesByKey.TryGetValue(type.Bases[0], out var first) && first.Kind == ApiTypeKind.Class ? first : null;
    }

    private static string Accessors(ApiMember member, bool bodiless)
    {
        var accessors = member.Accessors.Select(a => bodiless ? a + ";" : a + " => throw null;");
        return "{ " + string.Join(" ", accessors) + " }";
    }

    private string Parameters(IReadOnlyList<ApiParameter> parameters)
    {
        return string.Join(", ", parameters.Select(p =>
        {
            string modifier = p.Modifier != null ? p.Modifier + " " : "";
            string defaultValue = p.DefaultValue != null ? " = " + DefaultValue(p.Type, p.DefaultValue) : "";
            return $"{modifier}{Qualify(p.Type)} {Name(p.Name)}{defaultValue}";
        }));
    }

    private string DefaultValue(string type, string value)
    {
        bool numeric = value.Length > 0 && (char.IsDigit(value[0]) || value[0] == '-');
        if (numeric && _listing.TypesByKey.TryGetValue(type, out var parameterType) && parameterType.Kind == ApiTypeKind.Enum)
        {
            return $"({Qualify(type)})({value})";
        }

        return Constant(type, value);
    }

    /// <summary>A constant as C# source. The listing writes doubles and floats in their round-trip form, with
    /// NaN and infinities by name.</summary>
    private string Constant(string type, string value)
    {
        if (value.StartsWith('"') || value.StartsWith('\''))
        {
            return value;
        }

        if (type == "System.Double" || type == "System.Single")
        {
            string suffix = type == "System.Single" ? "F" : "D";
            return value switch
            {
                "NaN" => $"0.0{suffix} / 0.0{suffix}",
                "Infinity" => $"1.0{suffix} / 0.0{suffix}",
                "-Infinity" => $"-1.0{suffix} / 0.0{suffix}",
                _ => value + suffix,
            };
        }

        return Qualify(value);
    }

    /// <summary>int unless a listed value does not fit.</summary>
    private static string EnumUnderlyingType(ApiType type)
    {
        bool needsLong = false;
        foreach (var member in type.Members.Where(m => m.Kind == ApiMemberKind.EnumValue))
        {
            if (long.TryParse(member.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
                && (value > int.MaxValue || value < int.MinValue))
            {
                needsLong = true;
            }
        }

        return needsLong ? " : long" : "";
    }

    private static string Name(string name)
    {
        var kind = SyntaxFacts.GetKeywordKind(name);
        return kind != SyntaxKind.None && SyntaxFacts.IsReservedKeyword(kind) ? "@" + name : name;
    }
}
