namespace HssDevice.Tools.NfInterop;

/// <summary>One entry of the native method lookup table: a native method's C++ handler, or NULL.</summary>
public sealed record StubEntry(string TypeFullName, string MethodName, string? NativeClassName, string? NativeMethodName)
{
    public bool IsNative => NativeMethodName != null;

    /// <summary>As the lookup table lists it: Library_&lt;project&gt;_&lt;class&gt;::&lt;method&gt;, or NULL.</summary>
    public string Declaration(string safeProjectName) =>
        IsNative ? $"Library_{safeProjectName}_{NativeClassName}::{NativeMethodName}" : "NULL";
}

/// <summary>
/// What the MetadataProcessor derives from an interop assembly for its native side (its nanoSkeletonGenerator and
/// NativeMethodsCrc, read in nanoframework/metadata-processor and re-implemented here):
/// <list type="bullet">
/// <item>Type order: every type but &lt;Module&gt; sorted by full name, then each moved after what it depends on:
/// its declaring type, the interfaces it implements from this assembly, and the types defined here that appear as
/// return or parameter types of the methods its IL calls (SortTypesAccordingUsages).</item>
/// <item>Method order within a type: virtual methods, then other instance methods, then static methods, each group
/// in declaration order (GetOrderedMethods). The nanoCLR numbers methods in this order and indexes the lookup
/// table by that number.</item>
/// <item>Lookup table: for every type that has methods, one entry per method: the handler when the method has no
/// IL body, is not abstract and its type is a class or struct (not an interface, enum or delegate); else NULL.</item>
/// <item>Checksum: over the stub types only (classes and structs, delegates excluded), each method in order,
/// through <see cref="NativeChecksum"/>.</item>
/// </list>
/// Types the MetadataProcessor excludes (ThisAssembly, RefSafetyRulesAttribute, AccessedThroughPropertyAttribute,
/// [ExcludeType] and their nested types) are left out of both.
/// </summary>
public sealed class NativeStubTable
{
    private static readonly string[] ExcludedByDefault =
    {
        "ThisAssembly",
        "System.Runtime.CompilerServices.RefSafetyRulesAttribute",
        "System.Runtime.CompilerServices.AccessedThroughPropertyAttribute",
    };

    public required string AssemblyName { get; init; }
    public required Version? NativeVersion { get; init; }
    public required uint Checksum { get; init; }
    public required IReadOnlyList<InteropType> TypeOrder { get; init; }
    public required IReadOnlyList<StubEntry> Entries { get; init; }

    /// <summary>Whether sorting type names by ordinal order instead of the culture-sensitive one gives another type
    /// order: then the MetadataProcessor's result would depend on the build machine's culture.</summary>
    public required bool TypeOrderDependsOnCulture { get; init; }

    /// <summary>The assembly name as part of a C++ identifier (HssDevice.NativeUsb: HssDevice_NativeUsb).</summary>
    public string SafeProjectName => AssemblyName.Replace('.', '_');

    public IEnumerable<StubEntry> NativeEntries => Entries.Where(e => e.IsNative);

    public static NativeStubTable Build(InteropAssembly assembly)
    {
        // The MetadataProcessor sorts with the default (culture-sensitive) string comparison.
        var order = OrderTypes(assembly, StringComparer.InvariantCulture);
        var ordinal = OrderTypes(assembly, StringComparer.Ordinal);
        var included = order.Where(t => !IsExcluded(assembly, t)).ToList();

        var entries = new List<StubEntry>();
        var checksum = new NativeChecksum(assembly.Name);
        foreach (var type in included)
        {
            bool stubType = IsStubType(type);
            string className = StubNames.ClassName(assembly, type);
            foreach (var method in OrderMethods(type.Methods))
            {
                bool native = stubType && method.HasNoBody && !method.IsAbstract;
                string? methodName = native ? StubNames.MethodName(method) : null;
                entries.Add(new StubEntry(type.FullName, method.Name, native ? className : null, methodName));
                if (!stubType)
                {
                    continue;
                }

                if (native)
                {
                    checksum.AddNative(className, methodName!);
                }
                else
                {
                    checksum.AddNull();
                }
            }
        }

        return new NativeStubTable
        {
            AssemblyName = assembly.Name,
            NativeVersion = assembly.NativeVersion,
            Checksum = checksum.Value,
            TypeOrder = included,
            Entries = entries,
            TypeOrderDependsOnCulture = !order.Select(t => t.FullName).SequenceEqual(ordinal.Select(t => t.FullName)),
        };
    }

    /// <summary>Classes and structs get stubs; interfaces, enums and delegates do not (IncludeInStub).</summary>
    public static bool IsStubType(InteropType type) =>
        !type.IsDelegate && !type.IsInterface && !type.IsEnum;

    public static IEnumerable<InteropMethod> OrderMethods(IReadOnlyList<InteropMethod> methods) =>
        methods.Where(m => m.IsVirtual)
            .Concat(methods.Where(m => !m.IsVirtual && !m.IsStatic))
            .Concat(methods.Where(m => m.IsStatic));

    public static List<InteropType> OrderTypes(InteropAssembly assembly, IComparer<string> nameOrder)
    {
        var processed = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<InteropType>();
        Visit(assembly.Types.OrderBy(t => t.FullName, nameOrder));
        return result;

        void Visit(IEnumerable<InteropType> types)
        {
            foreach (var type in types)
            {
                if (processed.Contains(type.FullName))
                {
                    continue;
                }

                if (type.DeclaringType is { } declaring)
                {
                    Visit(new[] { assembly.Type(declaring) });
                }

                Visit(type.InterfacesInModule.Select(assembly.Type).ToList());
                if (processed.Add(type.FullName))
                {
                    var used = type.Methods
                        .Where(m => !m.HasNoBody)
                        .SelectMany(m => m.CalledSignatures)
                        .SelectMany(s => s.ParameterTypes.Prepend(s.ReturnType))
                        .Where(t => t.FullName != "System.Void")
                        .Select(t => t.DefinitionInModule)
                        .Where(h => h != null)
                        .Select(h => assembly.Type(h!.Value))
                        .ToList();
                    Visit(used);
                    result.Add(type);
                }
            }
        }
    }

    private static bool IsExcluded(InteropAssembly assembly, InteropType type)
    {
        if (ExcludedByDefault.Contains(type.FullName) || ExcludedByDefault.Contains(type.Name)
            || type.CustomAttributeTypes.Contains("System.Runtime.CompilerServices.ExcludeTypeAttribute"))
        {
            return true;
        }

        return type.DeclaringType is { } declaring && IsExcludedName(assembly.Type(declaring));
    }

    private static bool IsExcludedName(InteropType type) =>
        ExcludedByDefault.Contains(type.FullName)
        || type.CustomAttributeTypes.Contains("System.Runtime.CompilerServices.ExcludeTypeAttribute");
}
