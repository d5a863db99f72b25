using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace HssDevice.Tools.NfInterop;

/// <summary>A type as a signature names it, decoded from metadata: enough to name it as the MetadataProcessor does
/// (Mono.Cecil full names) and to tell whether it is defined in the assembly being read.</summary>
public abstract record SignatureType
{
    /// <summary>The full name in Mono.Cecil's spelling (namespace.Name, nested types Outer/Inner).</summary>
    public abstract string FullName { get; }

    /// <summary>The type definition this resolves to inside the assembly being read, the way Cecil's Resolve()
    /// strips arrays, by-refs, pointers, modifiers and generic arguments; null for types of other assemblies and
    /// for generic parameters.</summary>
    public abstract TypeDefinitionHandle? DefinitionInModule { get; }
}

/// <summary>An element type the signature encodes directly (void, bool, int, string, object, ...). It is defined in
/// the module being read only when that module is the core library (mscorlib).</summary>
public sealed record PrimitiveSignatureType(string Name, TypeDefinitionHandle? Definition = null) : SignatureType
{
    public override string FullName => Name;

    public override TypeDefinitionHandle? DefinitionInModule => Definition;
}

/// <summary>A class or value type named by a TypeDef (this assembly) or a TypeRef (another one).</summary>
public sealed record NamedSignatureType(string Name, TypeDefinitionHandle? Definition) : SignatureType
{
    public override string FullName => Name;

    public override TypeDefinitionHandle? DefinitionInModule => Definition;
}

/// <summary>A type built on another: T[], T[,], T&amp;, T*, pinned T, or T with a custom modifier.</summary>
public sealed record ConstructedSignatureType(SignatureTypeKind Kind, SignatureType Element) : SignatureType
{
    public override string FullName => Kind switch
    {
        SignatureTypeKind.SZArray => Element.FullName + "[]",
        SignatureTypeKind.Array => Element.FullName + "[,]",
        SignatureTypeKind.ByReference => Element.FullName + "&",
        SignatureTypeKind.Pointer => Element.FullName + "*",
        _ => Element.FullName,
    };

    public override TypeDefinitionHandle? DefinitionInModule => Element.DefinitionInModule;

    public bool IsArray => Kind is SignatureTypeKind.SZArray or SignatureTypeKind.Array;

    /// <summary>The innermost element, every construction stripped (Cecil's GetElementType()).</summary>
    public SignatureType Innermost => Element is ConstructedSignatureType inner ? inner.Innermost : Element;
}

public sealed record GenericInstanceSignatureType(SignatureType Generic, ImmutableArray<SignatureType> Arguments) : SignatureType
{
    public override string FullName => Generic.FullName + "<" + string.Join(",", Arguments.Select(a => a.FullName)) + ">";

    public override TypeDefinitionHandle? DefinitionInModule => Generic.DefinitionInModule;
}

public sealed record GenericParameterSignatureType(string Name) : SignatureType
{
    public override string FullName => Name;

    public override TypeDefinitionHandle? DefinitionInModule => null;
}

public enum SignatureTypeKind
{
    SZArray,
    Array,
    ByReference,
    Pointer,
    Pinned,
    Modified,
}
