using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>What the parser made of a set of listings: the types (with their members) and the lines it could
/// not read, each with the reason.</summary>
public sealed class ApiListing
{
    public List<ApiType> Types { get; } = new();

    public List<string> Assemblies { get; } = new();

    public List<(ApiSource Source, string Reason)> Unparsed { get; } = new();

    /// <summary>Declaration lines read (types and members).</summary>
    public int ParsedCount { get; set; }

    /// <summary>Non-blank lines in the listings.</summary>
    public int LineCount { get; set; }

    public Dictionary<string, ApiType> TypesByKey { get; } = new(StringComparer.Ordinal);

    /// <summary>Per assembly, the documentation-comment IDs of its NAME.txt listing (empty when absent).</summary>
    public Dictionary<string, HashSet<string>> DocumentationIds { get; } = new(StringComparer.Ordinal);
}

/// <summary>Parses the NAME.api.txt listings of ../shared/nanoframework-api: one declaration per line, types at
/// column 0 and their members indented, every name fully qualified. A member names its owner in its own
/// qualified name (<c>System.Diagnostics.DebuggableAttribute.IsJITTrackingEnabled</c>), which is how members
/// that follow a nested type's block are still given to the enclosing type.</summary>
public static class ApiListingParser
{
    private static readonly string[] TypeModifiers = { "public", "protected", "internal", "private", "static", "abstract", "sealed", "readonly", "ref", "partial", "unsafe", "new" };

    private static readonly string[] TypeKinds = { "class", "struct", "interface", "enum", "delegate" };

    private static readonly string[] MemberModifiers =
    {
        "public", "protected", "internal", "private", "static", "abstract", "virtual", "override", "sealed",
        "readonly", "const", "new", "extern", "unsafe", "volatile", "event",
    };

    private static readonly string[] ParameterModifiers = { "params", "ref", "out", "in", "this" };

    /// <summary>Reads every <c>*.api.txt</c> in <paramref name="directory"/>; the assembly name is the file name
    /// without <c>.api.txt</c>.</summary>
    public static ApiListing ParseDirectory(string directory)
    {
        var files = Directory.GetFiles(directory, "*.api.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"no *.api.txt listing in {directory}");
        }

        var listing = Parse(files.Select(f => (Path.GetFileName(f)[..^".api.txt".Length], File.ReadAllLines(f))));
        foreach (string assembly in listing.Assemblies)
        {
            string idFile = Path.Combine(directory, assembly + ".txt");
            listing.DocumentationIds[assembly] = File.Exists(idFile)
                ? File.ReadAllLines(idFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
        }

        return listing;
    }

    public static ApiListing Parse(IEnumerable<(string Assembly, string[] Lines)> listings)
    {
        var result = new ApiListing();
        var memberLines = new List<(string Assembly, ApiSource Source)>();
        foreach (var (assembly, lines) in listings)
        {
            result.Assemblies.Add(assembly);
            string file = assembly + ".api.txt";
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                result.LineCount++;
                var source = new ApiSource(file, i + 1, line);
                if (line[0] == ' ')
                {
                    memberLines.Add((assembly, source));
                    continue;
                }

                try
                {
                    ApiType type = ParseTypeLine(assembly, source);
                    if (!result.TypesByKey.TryAdd(type.Key, type))
                    {
                        throw new FormatException($"type {type.Key} is declared twice");
                    }

                    result.Types.Add(type);
                    result.ParsedCount++;
                }
                catch (FormatException e)
                {
                    result.Unparsed.Add((source, e.Message));
                }
            }
        }

        PlaceTypes(result);
        foreach (var (_, source) in memberLines)
        {
            try
            {
                var (owner, member) = ParseMemberLine(source, result.TypesByKey);
                owner.Members.Add(member);
                result.ParsedCount++;
            }
            catch (FormatException e)
            {
                result.Unparsed.Add((source, e.Message));
            }
        }

        return result;
    }

    /// <summary><c>public sealed class System.String : System.IComparable, System.Collections.IEnumerable</c>,
    /// <c>public delegate TResult System.Func&lt;T, TResult&gt;(T arg)</c>.</summary>
    private static ApiType ParseTypeLine(string assembly, ApiSource source)
    {
        var cursor = new DeclarationCursor(source.Text);
        var modifiers = ReadWords(cursor, TypeModifiers);
        string kindWord = cursor.TryWord(TypeKinds) ?? throw new FormatException("no class/struct/interface/enum/delegate keyword");
        var kind = kindWord switch
        {
            "class" => ApiTypeKind.Class,
            "struct" => ApiTypeKind.Struct,
            "interface" => ApiTypeKind.Interface,
            "enum" => ApiTypeKind.Enum,
            _ => ApiTypeKind.Delegate,
        };

        if (kind == ApiTypeKind.Delegate)
        {
            string returnType = cursor.QualifiedName();
            string name = cursor.QualifiedName();
            var parameters = ParseParameters(cursor.Balanced('(', ')'));
            if (!cursor.AtEnd)
            {
                throw new FormatException($"unexpected text after the delegate's parameters: {cursor.Rest()}");
            }

            return new ApiType
            {
                Key = name, Assembly = assembly, Kind = kind, Modifiers = modifiers, Bases = new List<string>(),
                Source = source, ReturnType = returnType, Parameters = parameters,
            };
        }

        string key = cursor.QualifiedName();
        var bases = new List<string>();
        if (!cursor.AtEnd)
        {
            cursor.Expect(':');
            bases = DeclarationCursor.SplitTopLevel(cursor.Rest(), ',');
            if (bases.Any(b => b.Length == 0 || b.Contains(' ') && !b.Contains('<')))
            {
                throw new FormatException("a base type could not be read");
            }
        }

        return new ApiType { Key = key, Assembly = assembly, Kind = kind, Modifiers = modifiers, Bases = bases, Source = source };
    }

    /// <summary>Splits each type's full name into namespace or enclosing type and declared name: the longest
    /// dotted prefix that is itself a listed type encloses it.</summary>
    private static void PlaceTypes(ApiListing listing)
    {
        foreach (var type in listing.Types)
        {
            var segments = DeclarationCursor.SplitDots(type.Key);
            type.DeclaredName = segments[^1];
            for (int take = segments.Count - 1; take > 0; take--)
            {
                string prefix = string.Join(".", segments.Take(take));
                if (listing.TypesByKey.TryGetValue(prefix, out var container))
                {
                    type.Container = container;
                    container.NestedTypes.Add(type);
                    break;
                }
            }

            if (type.Container == null)
            {
                type.Namespace = string.Join(".", segments.Take(segments.Count - 1));
            }
        }
    }

    private static (ApiType Owner, ApiMember Member) ParseMemberLine(ApiSource source, Dictionary<string, ApiType> types)
    {
        var cursor = new DeclarationCursor(source.Text.Trim());
        var modifiers = ReadWords(cursor, MemberModifiers);
        bool isEvent = modifiers.Remove("event");
        string first = cursor.QualifiedName();

        // Conversion: public static System.SpanByte.implicit operator System.SpanByte(System.Byte[] array). The
        // owner-qualified implicit/explicit stands where other members have their type.
        var firstSegments = DeclarationCursor.SplitDots(first);
        if ((firstSegments[^1] == "implicit" || firstSegments[^1] == "explicit") && cursor.TryWord(new[] { "operator" }) != null)
        {
            var (conversionOwner, direction) = SplitOwner(first, types);
            string target = cursor.QualifiedName();
            var conversionParameters = ParseParameters(cursor.Balanced('(', ')'));
            ExpectEnd(cursor);
            return (conversionOwner, new ApiMember { Kind = ApiMemberKind.Conversion, Modifiers = modifiers, Type = target, Name = direction, Parameters = conversionParameters, Source = source });
        }

        char next = cursor.Peek();

        // Constructor: no type before the name (System.Object.Object()).
        if (next == '(' && !isEvent)
        {
            var (ctorOwner, ctorName) = SplitOwner(first, types);
            if (ctorName != ctorOwner.SimpleName)
            {
                throw new FormatException($"{first}(...) has no return type and is not a constructor of {ctorOwner.Key}");
            }

            var parameters = ParseParameters(cursor.Balanced('(', ')'));
            ExpectEnd(cursor);
            var kind = ctorOwner.Kind == ApiTypeKind.Delegate ? ApiMemberKind.DelegateMember : ApiMemberKind.Constructor;
            return (ctorOwner, new ApiMember { Kind = kind, Modifiers = modifiers, Name = ctorName, Parameters = parameters, Source = source });
        }

        // Enum value: System.AttributeTargets.Class = 4.
        if (next == '=' && modifiers.Count == 0 && !isEvent)
        {
            var (enumOwner, valueName) = SplitOwner(first, types);
            if (enumOwner.Kind != ApiTypeKind.Enum)
            {
                throw new FormatException($"{first} has a value but {enumOwner.Key} is not an enum");
            }

            cursor.Expect('=');
            string value = cursor.Rest();
            return (enumOwner, new ApiMember { Kind = ApiMemberKind.EnumValue, Modifiers = modifiers, Name = valueName, Value = value, Source = source });
        }

        string type = first;
        string qualified = cursor.QualifiedName();
        var segments = DeclarationCursor.SplitDots(qualified);
        string last = segments[^1];
        string ownerName = string.Join(".", segments.Take(segments.Count - 1));
        string? explicitInterface = null;
        if (!types.TryGetValue(ownerName, out var found))
        {
            // An explicit interface member names the interface between owner and member:
            // Sample.Thing.Sample.IThing.Reset().
            (found, explicitInterface) = SplitExplicitInterface(segments, types)
                ?? throw new FormatException($"owner {ownerName} of {last} is not a listed type");
        }

        ApiType owner = found;
        (ApiType, ApiMember) Done(ApiMember member)
        {
            member.ExplicitInterface = explicitInterface;
            return (owner, member);
        }

        if (owner.Kind == ApiTypeKind.Delegate)
        {
            ParseParameters(cursor.Balanced('(', ')'));
            ExpectEnd(cursor);
            if (last != "Invoke" && last != "BeginInvoke" && last != "EndInvoke")
            {
                throw new FormatException($"delegate {owner.Key} has an unexpected member {last}");
            }

            return Done(new ApiMember { Kind = ApiMemberKind.DelegateMember, Modifiers = modifiers, Type = type, Name = last, Source = source });
        }

        if (last == "this" && cursor.Peek() == '[')
        {
            var indexParameters = ParseParameters(cursor.Balanced('[', ']'));
            var accessors = ParseAccessors(cursor);
            return Done(new ApiMember { Kind = ApiMemberKind.Indexer, Modifiers = modifiers, Type = type, Name = "this", Parameters = indexParameters, Accessors = accessors, Source = source });
        }

        if (last == "operator")
        {
            string token = ReadOperatorToken(cursor);
            var operatorParameters = ParseParameters(cursor.Balanced('(', ')'));
            ExpectEnd(cursor);
            return Done(new ApiMember { Kind = ApiMemberKind.Operator, Modifiers = modifiers, Type = type, Name = token, Parameters = operatorParameters, Source = source });
        }

        if (cursor.Peek() == '(')
        {
            var methodParameters = ParseParameters(cursor.Balanced('(', ')'));
            ExpectEnd(cursor);
            return Done(new ApiMember { Kind = ApiMemberKind.Method, Modifiers = modifiers, Type = type, Name = last, Parameters = methodParameters, Source = source });
        }

        if (cursor.Peek() == '{')
        {
            var accessors = ParseAccessors(cursor);
            return Done(new ApiMember { Kind = ApiMemberKind.Property, Modifiers = modifiers, Type = type, Name = last, Accessors = accessors, Source = source });
        }

        if (cursor.Peek() == '=')
        {
            if (!modifiers.Contains("const"))
            {
                throw new FormatException($"{qualified} has a value but is not const");
            }

            cursor.Expect('=');
            string value = cursor.Rest();
            return Done(new ApiMember { Kind = ApiMemberKind.Constant, Modifiers = modifiers, Type = type, Name = last, Value = value, Source = source });
        }

        ExpectEnd(cursor);
        return Done(new ApiMember { Kind = isEvent ? ApiMemberKind.Event : ApiMemberKind.Field, Modifiers = modifiers, Type = type, Name = last, Source = source });
    }

    /// <summary>Owner and interface of <c>Owner.Interface.Member</c> when both are listed types.</summary>
    private static (ApiType Owner, string Interface)? SplitExplicitInterface(List<string> segments, Dictionary<string, ApiType> types)
    {
        for (int take = 1; take < segments.Count - 1; take++)
        {
            string ownerName = string.Join(".", segments.Take(take));
            string interfaceName = string.Join(".", segments.Skip(take).Take(segments.Count - 1 - take));
            if (types.TryGetValue(ownerName, out var owner) && owner.Kind is ApiTypeKind.Class or ApiTypeKind.Struct
                && types.TryGetValue(interfaceName, out var contract) && contract.Kind == ApiTypeKind.Interface)
            {
                return (owner, interfaceName);
            }
        }

        return null;
    }

    /// <summary>Splits <c>Owner.Name</c> where Owner must be a listed type.</summary>
    private static (ApiType Owner, string Name) SplitOwner(string qualified, Dictionary<string, ApiType> types)
    {
        var segments = DeclarationCursor.SplitDots(qualified);
        string ownerName = string.Join(".", segments.Take(segments.Count - 1));
        if (!types.TryGetValue(ownerName, out var owner))
        {
            throw new FormatException($"owner {ownerName} is not a listed type");
        }

        return (owner, segments[^1]);
    }

    private static string ReadOperatorToken(DeclarationCursor cursor)
    {
        string token = cursor.Until('(').Trim();
        if (token.Length == 0 || token.Length > 3 || token.Any(char.IsLetterOrDigit))
        {
            throw new FormatException($"unknown operator token '{token}'");
        }

        return token;
    }

    private static List<string> ParseAccessors(DeclarationCursor cursor)
    {
        string block = cursor.Balanced('{', '}');
        ExpectEnd(cursor);
        var accessors = block.Trim('{', '}').Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (accessors.Count == 0 || accessors.Any(a => !(a.EndsWith("get") || a.EndsWith("set") || a.EndsWith("init"))))
        {
            throw new FormatException($"unexpected accessor list {block}");
        }

        return accessors;
    }

    /// <summary>The text of <c>(...)</c> or <c>[...]</c>, brackets included.</summary>
    private static List<ApiParameter> ParseParameters(string bracketed)
    {
        var parameters = new List<ApiParameter>();
        string inner = bracketed.Substring(1, bracketed.Length - 2);
        foreach (string part in DeclarationCursor.SplitTopLevel(inner, ','))
        {
            if (part.Length == 0)
            {
                throw new FormatException("empty parameter");
            }

            var cursor = new DeclarationCursor(part);
            string? modifier = cursor.TryWord(ParameterModifiers);
            string type = cursor.QualifiedName();
            string name = cursor.Identifier();
            string? defaultValue = null;
            if (!cursor.AtEnd)
            {
                cursor.Expect('=');
                defaultValue = cursor.Rest();
                if (defaultValue.Length == 0)
                {
                    throw new FormatException($"parameter {name} has an empty default value");
                }
            }

            parameters.Add(new ApiParameter(modifier, type, name, defaultValue));
        }

        return parameters;
    }

    private static List<string> ReadWords(DeclarationCursor cursor, IReadOnlyCollection<string> words)
    {
        var read = new List<string>();
        while (cursor.TryWord(words) is { } word)
        {
            read.Add(word);
        }

        return read;
    }

    private static void ExpectEnd(DeclarationCursor cursor)
    {
        if (!cursor.AtEnd)
        {
            throw new FormatException($"unexpected text at the end: {cursor.Rest()}");
        }
    }
}
