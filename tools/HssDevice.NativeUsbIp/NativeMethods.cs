using System;
using System.Runtime.InteropServices;

namespace HssDevice.NativeUsbIp;

/// <summary>The C API of libhss_native.so (firmware/native/ports/usbip/hss_usbip.h), one to one.</summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "hss_native";

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void WakeCallback(uint events);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void LogCallback(int level, IntPtr message);

    [StructLayout(LayoutKind.Sequential)]
    public struct Counters
    {
        public uint Imports;
        public uint Detaches;
        public uint BusResets;
        public uint Connections;
        public uint ProtocolErrors;
        public uint Urbs;
    }

    [LibraryImport(Library, EntryPoint = "hss_usbip_start", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Start(string address, ushort port, int highSpeed, out IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_bound_port")]
    public static partial ushort BoundPort(IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_set_log")]
    public static partial void SetLog(IntPtr server, IntPtr log);

    [LibraryImport(Library, EntryPoint = "hss_usbip_set_wake")]
    public static partial void SetWake(IntPtr server, IntPtr wake);

    [LibraryImport(Library, EntryPoint = "hss_usbip_open")]
    public static partial int Open(IntPtr server, byte* descriptors, nuint length, nuint commandQueuePackets, nuint dataOutBytes, nuint dataInBytes);

    [LibraryImport(Library, EntryPoint = "hss_usbip_close")]
    public static partial void Close(IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_link_state")]
    public static partial int LinkState(IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_is_single_pipe")]
    public static partial int IsSinglePipe(IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_read_command")]
    public static partial int ReadCommand(IntPtr server, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "hss_usbip_write_command")]
    public static partial int WriteCommand(IntPtr server, byte* packet, nuint length);

    [LibraryImport(Library, EntryPoint = "hss_usbip_read_data")]
    public static partial int ReadData(IntPtr server, byte* buffer, nuint capacity);

    [LibraryImport(Library, EntryPoint = "hss_usbip_write_data")]
    public static partial int WriteData(IntPtr server, byte* data, nuint length, int endOfTransfer);

    [LibraryImport(Library, EntryPoint = "hss_usbip_ready")]
    public static partial uint Ready(IntPtr server);

    [LibraryImport(Library, EntryPoint = "hss_usbip_counters")]
    public static partial void GetCounters(IntPtr server, out Counters counters);

    [LibraryImport(Library, EntryPoint = "hss_usbip_stop")]
    public static partial void Stop(IntPtr server);
}
