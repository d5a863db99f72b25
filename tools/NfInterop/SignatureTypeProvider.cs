using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace HssDevice.Tools.NfInterop;

/// <summary>Decodes signatures into <see cref="SignatureType"/> values for one metadata reader.</summary>
public sealed class SignatureTypeProvider : ISignatureTypeProvider<SignatureType, object?>
{
    private readonly Dictionary<string, TypeDefinitionHandle> _coreTypes = new(StringComparer.Ordinal);

    public SignatureTypeProvider(MetadataReader reader)
    {
        // In the core library the primitive types are its own type definitions (Cecil resolves them there).
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (type.GetDeclaringType().IsNil && reader.GetString(type.Namespace) == "System")
            {
                _coreTypes[MetadataNames.FullName(reader, handle)] = handle;
            }
        }
    }

    public SignatureType GetPrimitiveType(PrimitiveTypeCode typeCode)
    {
        string name = PrimitiveName(typeCode);
        return new PrimitiveSignatureType(name, _coreTypes.TryGetValue(name, out var definition) ? definition : null);
    }

    private static string PrimitiveName(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Void => "System.Void",
        PrimitiveTypeCode.Boolean => "System.Boolean",
        PrimitiveTypeCode.Char => "System.Char",
        PrimitiveTypeCode.SByte => "System.SByte",
        PrimitiveTypeCode.Byte => "System.Byte",
        PrimitiveTypeCode.Int16 => "System.Int16",
        PrimitiveTypeCode.UInt16 => "System.UInt16",
        PrimitiveTypeCode.Int32 => "System.Int32",
        PrimitiveTypeCode.UInt32 => "System.UInt32",
        PrimitiveTypeCode.Int64 => "System.Int64",
        PrimitiveTypeCode.UInt64 => "System.UInt64",
        PrimitiveTypeCode.Single => "System.Single",
        PrimitiveTypeCode.Double => "System.Double",
        PrimitiveTypeCode.String => "System.String",
        PrimitiveTypeCode.IntPtr => "System.IntPtr",
        PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
        PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.TypedReference => "System.TypedReference",
        _ => throw new BadImageFormatException("unknown primitive type code " + typeCode),
    };

    public SignatureType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        new NamedSignatureType(MetadataNames.FullName(reader, handle), handle);

    public SignatureType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        new NamedSignatureType(MetadataNames.FullName(reader, handle), null);

    public SignatureType GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public SignatureType GetSZArrayType(SignatureType elementType) => new ConstructedSignatureType(SignatureTypeKind.SZArray, elementType);

    public SignatureType GetArrayType(SignatureType elementType, ArrayShape shape) => new ConstructedSignatureType(SignatureTypeKind.Array, elementType);

    public SignatureType GetByReferenceType(SignatureType elementType) => new ConstructedSignatureType(SignatureTypeKind.ByReference, elementType);

    public SignatureType GetPointerType(SignatureType elementType) => new ConstructedSignatureType(SignatureTypeKind.Pointer, elementType);

    public SignatureType GetPinnedType(SignatureType elementType) => new ConstructedSignatureType(SignatureTypeKind.Pinned, elementType);

    public SignatureType GetModifiedType(SignatureType modifier, SignatureType unmodifiedType, bool isRequired) =>
        new ConstructedSignatureType(SignatureTypeKind.Modified, unmodifiedType);

    public SignatureType GetGenericInstantiation(SignatureType genericType, ImmutableArray<SignatureType> typeArguments) =>
        new GenericInstanceSignatureType(genericType, typeArguments);

    public SignatureType GetGenericMethodParameter(object? genericContext, int index) => new GenericParameterSignatureType("!!" + index);

    public SignatureType GetGenericTypeParameter(object? genericContext, int index) => new GenericParameterSignatureType("!" + index);

    public SignatureType GetFunctionPointerType(MethodSignature<SignatureType> signature) => new PrimitiveSignatureType("method");
}

/// <summary>Type names in Mono.Cecil's spelling, which the MetadataProcessor's names and orders are built from.</summary>
public static class MetadataNames
{
    public static string FullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return FullName(reader, declaring) + "/" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public static string FullName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return FullName(reader, (TypeReferenceHandle)type.ResolutionScope) + "/" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
