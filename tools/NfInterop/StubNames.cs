namespace HssDevice.Tools.NfInterop;

/// <summary>
/// The names the MetadataProcessor gives a stub class and a native method, which go into the native checksum and
/// into the C++ names of the lookup table: the class is its declaring types, namespace and name joined by '_' with
/// every '.' turned into '_'; a method is its name, "___" (or "___STATIC__" for a static method) and its return and
/// parameter types joined by "__", each named as the nanoCLR data type (I4, U1, STRING, SZARRAY_U1, BYREF_I4, ...)
/// or, for other types, the full name without dots (SystemDateTime).
/// </summary>
public static class StubNames
{
    private static readonly Dictionary<string, string> DataTypes = new(StringComparer.Ordinal)
    {
        ["System.Void"] = "VOID",
        ["System.SByte"] = "I1",
        ["System.Int16"] = "I2",
        ["System.Int32"] = "I4",
        ["System.Int64"] = "I8",
        ["System.Byte"] = "U1",
        ["System.UInt16"] = "U2",
        ["System.UInt32"] = "U4",
        ["System.UInt64"] = "U8",
        ["System.Single"] = "R4",
        ["System.Double"] = "R8",
        ["System.Char"] = "CHAR",
        ["System.String"] = "STRING",
        ["System.Boolean"] = "BOOLEAN",
        ["System.Object"] = "OBJECT",
        ["System.IntPtr"] = "I4",
        ["System.UIntPtr"] = "U4",
        ["System.WeakReference"] = "WEAKCLASS",
    };

    public static string ClassName(InteropAssembly assembly, InteropType type)
    {
        string declaring = type.DeclaringType is { } d ? ClassName(assembly, assembly.Type(d)) : string.Empty;
        return string.Join("_", declaring, type.Namespace, type.Name).Replace(".", "_").TrimStart('_');
    }

    public static string MethodName(InteropMethod method)
    {
        var types = new List<string> { TypeName(method.ReturnType) };
        types.AddRange(method.Parameters.Select(TypeName));
        string name = method.Name + (method.IsStatic ? "___STATIC__" : "___") + string.Join("__", types);
        return name.Replace(".", "_").Replace("/", string.Empty);
    }

    /// <summary>One return or parameter type as a method name spells it.</summary>
    public static string TypeName(SignatureType type)
    {
        string name;
        if (type is ConstructedSignatureType { IsArray: true } array)
        {
            // Cecil's GetElementType() of an array is its innermost element.
            name = "SZARRAY_" + TypeName(array.Innermost);
        }
        else if (type is ConstructedSignatureType { Kind: SignatureTypeKind.ByReference } byRef)
        {
            name = "BYREF_" + (byRef.Element is ConstructedSignatureType { IsArray: true } refArray
                ? "SZARRAY_" + TypeName(refArray.Element)
                : DataTypeName(byRef.Element));
        }
        else
        {
            name = DataTypeName(type);
        }

        return name;
    }

    private static string DataTypeName(SignatureType type)
    {
        if (type is ConstructedSignatureType { Kind: SignatureTypeKind.Modified or SignatureTypeKind.Pointer or SignatureTypeKind.Pinned })
        {
            throw new NotSupportedException($"a native method signature with {type.FullName}: the MetadataProcessor's name for it is not reproduced here");
        }

        if (DataTypes.TryGetValue(type.FullName, out string? dataType))
        {
            return dataType;
        }

        return type is GenericParameterSignatureType ? "GENERICTYPE" : type.FullName.Replace(".", string.Empty);
    }
}
