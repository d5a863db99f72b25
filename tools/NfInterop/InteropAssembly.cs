using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace HssDevice.Tools.NfInterop;

/// <summary>One method of the assembly, as the stub generator looks at it.</summary>
public sealed class InteropMethod
{
    public required string Name { get; init; }
    public required MethodAttributes Attributes { get; init; }
    public required int RelativeVirtualAddress { get; init; }
    public required SignatureType ReturnType { get; init; }
    public required ImmutableArray<SignatureType> Parameters { get; init; }

    /// <summary>Return and parameter types of every method its IL names (call, callvirt, newobj, ldftn, ...).</summary>
    public required IReadOnlyList<MethodSignature<SignatureType>> CalledSignatures { get; init; }

    public bool IsStatic => (Attributes & MethodAttributes.Static) != 0;
    public bool IsVirtual => (Attributes & MethodAttributes.Virtual) != 0;
    public bool IsAbstract => (Attributes & MethodAttributes.Abstract) != 0;

    /// <summary>No IL body: extern (InternalCall) or runtime-implemented.</summary>
    public bool HasNoBody => RelativeVirtualAddress == 0;

    public override string ToString() => Name;
}

/// <summary>One type definition of the assembly.</summary>
public sealed class InteropType
{
    public required TypeDefinitionHandle Handle { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required string FullName { get; init; }
    public required TypeDefinitionHandle? DeclaringType { get; init; }
    public required TypeAttributes Attributes { get; init; }
    public required string? BaseTypeFullName { get; init; }

    /// <summary>Interfaces it implements that are defined in this assembly, in InterfaceImpl order.</summary>
    public required IReadOnlyList<TypeDefinitionHandle> InterfacesInModule { get; init; }

    /// <summary>Its methods in metadata (declaration) order.</summary>
    public required IReadOnlyList<InteropMethod> Methods { get; init; }

    public required IReadOnlyList<string> CustomAttributeTypes { get; init; }

    public bool IsInterface => (Attributes & TypeAttributes.ClassSemanticsMask) == TypeAttributes.Interface;
    public bool IsEnum => BaseTypeFullName == "System.Enum";
    public bool IsValueType => IsEnum || (BaseTypeFullName == "System.ValueType" && FullName != "System.Enum");
    public bool IsDelegate => BaseTypeFullName is "System.MulticastDelegate" || (BaseTypeFullName == "System.Delegate" && FullName != "System.MulticastDelegate");

    public override string ToString() => FullName;
}

/// <summary>
/// The compiled interop assembly read with System.Reflection.Metadata: its name, its AssemblyNativeVersion and its
/// types and methods with what the MetadataProcessor's ordering and naming rules look at.
/// </summary>
public sealed class InteropAssembly
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public required string Name { get; init; }

    /// <summary>[assembly: AssemblyNativeVersion("a.b.c.d")], or null when the attribute is missing.</summary>
    public required Version? NativeVersion { get; init; }

    /// <summary>Every type but &lt;Module&gt;, in metadata order.</summary>
    public required IReadOnlyList<InteropType> Types { get; init; }

    public InteropType Type(TypeDefinitionHandle handle) => Types.First(t => t.Handle == handle);

    public static InteropAssembly Read(byte[] image)
    {
        using var pe = new PEReader(ImmutableArray.Create(image));
        var reader = pe.GetMetadataReader();
        var provider = new SignatureTypeProvider(reader);
        var types = new List<InteropType>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var definition = reader.GetTypeDefinition(handle);
            string fullName = MetadataNames.FullName(reader, handle);
            if (fullName == "<Module>")
            {
                continue;
            }

            var declaring = definition.GetDeclaringType();
            types.Add(new InteropType
            {
                Handle = handle,
                Namespace = reader.GetString(definition.Namespace),
                Name = reader.GetString(definition.Name),
                FullName = fullName,
                DeclaringType = declaring.IsNil ? null : declaring,
                Attributes = definition.Attributes,
                BaseTypeFullName = BaseTypeName(reader, provider, definition.BaseType),
                InterfacesInModule = definition.GetInterfaceImplementations()
                    .Select(i => InterfaceDefinition(reader, provider, reader.GetInterfaceImplementation(i).Interface))
                    .Where(h => h != null)
                    .Select(h => h!.Value)
                    .ToList(),
                Methods = definition.GetMethods().Select(m => ReadMethod(pe, reader, provider, m)).ToList(),
                CustomAttributeTypes = definition.GetCustomAttributes().Select(a => AttributeTypeName(reader, a)).ToList(),
            });
        }

        return new InteropAssembly
        {
            Name = reader.GetString(reader.GetAssemblyDefinition().Name),
            NativeVersion = ReadNativeVersion(reader),
            Types = types,
        };
    }

    private static string? BaseTypeName(MetadataReader reader, SignatureTypeProvider provider, EntityHandle handle) => handle.IsNil ? null : handle.Kind switch
    {
        HandleKind.TypeDefinition => MetadataNames.FullName(reader, (TypeDefinitionHandle)handle),
        HandleKind.TypeReference => MetadataNames.FullName(reader, (TypeReferenceHandle)handle),
        HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null).FullName,
        _ => null,
    };

    private static TypeDefinitionHandle? InterfaceDefinition(MetadataReader reader, SignatureTypeProvider provider, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => (TypeDefinitionHandle)handle,
        HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null).DefinitionInModule,
        _ => null,
    };

    private static InteropMethod ReadMethod(PEReader pe, MetadataReader reader, SignatureTypeProvider provider, MethodDefinitionHandle handle)
    {
        var method = reader.GetMethodDefinition(handle);
        var signature = method.DecodeSignature(provider, null);
        var called = new List<MethodSignature<SignatureType>>();
        if (method.RelativeVirtualAddress != 0)
        {
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            foreach (var token in MethodTokens(body.GetILReader()))
            {
                var calledSignature = DecodeMethodToken(reader, provider, token);
                if (calledSignature != null)
                {
                    called.Add(calledSignature.Value);
                }
            }
        }

        return new InteropMethod
        {
            Name = reader.GetString(method.Name),
            Attributes = method.Attributes,
            RelativeVirtualAddress = method.RelativeVirtualAddress,
            ReturnType = signature.ReturnType,
            Parameters = signature.ParameterTypes,
            CalledSignatures = called,
        };
    }

    /// <summary>The operands of IL instructions that Cecil reads as method references: InlineMethod operands
    /// (call, callvirt, newobj, jmp, ldftn, ldvirtftn) and InlineTok operands that name a method (ldtoken).</summary>
    private static IEnumerable<EntityHandle> MethodTokens(BlobReader il)
    {
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            if (!OperandTypes.TryGetValue(value, out var operandType))
            {
                throw new BadImageFormatException($"unknown IL opcode 0x{value:X4}");
            }

            switch (operandType)
            {
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                    var handle = MetadataTokens.EntityHandle(il.ReadInt32());
                    if (handle.Kind is HandleKind.MethodDefinition or HandleKind.MemberReference or HandleKind.MethodSpecification)
                    {
                        yield return handle;
                    }

                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }
    }

    private static MethodSignature<SignatureType>? DecodeMethodToken(MetadataReader reader, SignatureTypeProvider provider, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                return reader.GetMethodDefinition((MethodDefinitionHandle)handle).DecodeSignature(provider, null);
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                return member.GetKind() == MemberReferenceKind.Method ? member.DecodeMethodSignature(provider, null) : null;
            case HandleKind.MethodSpecification:
                return DecodeMethodToken(reader, provider, reader.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return null;
        }
    }

    private static string AttributeTypeName(MetadataReader reader, CustomAttributeHandle handle)
    {
        var attribute = reader.GetCustomAttribute(handle);
        EntityHandle parent = attribute.Constructor.Kind switch
        {
            HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            _ => default,
        };
        return parent.Kind switch
        {
            HandleKind.TypeDefinition => MetadataNames.FullName(reader, (TypeDefinitionHandle)parent),
            HandleKind.TypeReference => MetadataNames.FullName(reader, (TypeReferenceHandle)parent),
            _ => string.Empty,
        };
    }

    private static Version? ReadNativeVersion(MetadataReader reader)
    {
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            if (AttributeTypeName(reader, handle) != "System.Reflection.AssemblyNativeVersionAttribute")
            {
                continue;
            }

            var value = reader.GetCustomAttribute(handle).DecodeValue(new StringOnlyAttributeProvider());
            if (value.FixedArguments.Length == 1 && value.FixedArguments[0].Value is string text && Version.TryParse(text, out var version))
            {
                return version;
            }

            throw new BadImageFormatException($"AssemblyNativeVersion has no a.b.c.d version string");
        }

        return null;
    }

    /// <summary>Decodes the AssemblyNativeVersion(string) constructor argument; no other attribute is decoded.</summary>
    private sealed class StringOnlyAttributeProvider : ICustomAttributeTypeProvider<object?>
    {
        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode;
        public object? GetSystemType() => null;
        public object? GetSZArrayType(object? elementType) => null;
        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => null;
        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => null;
        public object? GetTypeFromSerializedName(string name) => null;
        public PrimitiveTypeCode GetUnderlyingEnumType(object? type) => throw new BadImageFormatException("enum argument in AssemblyNativeVersion");
        public bool IsSystemType(object? type) => false;
    }
}
