using System.Text;

namespace HssDevice.Tools.NfInterop;

/// <summary>
/// The native checksum of an interop assembly, accumulated method by method as the MetadataProcessor does it
/// (its NativeMethodsCrc): for each method of each stub type, in table order, a native method adds the assembly
/// name, the class name and the method name to one running CRC-32/MPEG-2, any other method adds "NULL".
/// Its quirk is part of the value and is kept here: while no native method has been counted yet, the running value
/// reads as 0, so every "NULL" before the first native method is lost, and so are the assembly and class names of
/// that first native method (each of the three updates starts again from 0); only its method name counts. An
/// assembly without native methods has checksum 0.
/// </summary>
public sealed class NativeChecksum
{
    private static readonly byte[] Null = Encoding.ASCII.GetBytes("NULL");

    private readonly byte[] _assemblyName;
    private uint _crc;
    private int _nativeMethods;

    public NativeChecksum(string assemblyName)
    {
        _assemblyName = Encoding.ASCII.GetBytes(assemblyName);
    }

    /// <summary>The checksum so far: 0 until the first native method.</summary>
    public uint Value => _nativeMethods > 0 ? _crc : 0;

    public int NativeMethods => _nativeMethods;

    public void AddNative(string className, string methodName)
    {
        _crc = Crc32Mpeg2.Compute(_assemblyName, Value);
        _crc = Crc32Mpeg2.Compute(Encoding.ASCII.GetBytes(className), Value);
        _crc = Crc32Mpeg2.Compute(Encoding.ASCII.GetBytes(methodName), Value);
        _nativeMethods++;
    }

    public void AddNull()
    {
        _crc = Crc32Mpeg2.Compute(Null, Value);
    }
}
