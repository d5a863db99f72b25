using System.Reflection;
using System.Runtime.InteropServices;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// The few libusb-1.0 functions the host uses (libusb.h of libusb 1.0.26; the library itself comes from the
/// system: Debian's libusb-1.0-0). Only blittable arguments, so no marshalling stubs run on the event thread.
/// </summary>
internal static unsafe partial class LibUsbNative
{
    /// <summary>Logical name; <see cref="Resolve"/> maps it to the file each OS ships.</summary>
    public const string Library = "libusb-1.0";

    /// <summary>Debian and most distributions ship only the versioned name without the -dev package.</summary>
    private static readonly string[] FileNames = { "libusb-1.0.so.0", "libusb-1.0.so", "libusb-1.0.0.dylib", "libusb-1.0.dylib", "libusb-1.0.dll" };

    static LibUsbNative() => NativeLibrary.SetDllImportResolver(typeof(LibUsbNative).Assembly, Resolve);

    /// <summary>Loads libusb or throws <see cref="LibUsbMissingException"/> naming the package to install.</summary>
    public static void EnsureLoaded()
    {
        try
        {
            Marshal.Prelink(typeof(LibUsbNative).GetMethod(nameof(libusb_init), BindingFlags.Public | BindingFlags.Static)!);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new LibUsbMissingException(e);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (string file in FileNames)
        {
            if (NativeLibrary.TryLoad(file, assembly, searchPath, out IntPtr handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    // Error codes (enum libusb_error).
    public const int Success = 0;
    public const int ErrorIo = -1;
    public const int ErrorInvalidParam = -2;
    public const int ErrorAccess = -3;
    public const int ErrorNoDevice = -4;
    public const int ErrorNotFound = -5;
    public const int ErrorBusy = -6;
    public const int ErrorTimeout = -7;
    public const int ErrorOverflow = -8;
    public const int ErrorPipe = -9;
    public const int ErrorInterrupted = -10;
    public const int ErrorNoMem = -11;
    public const int ErrorNotSupported = -12;
    public const int ErrorOther = -99;

    // enum libusb_transfer_type, libusb_transfer_flags.
    public const byte TransferTypeBulk = 2;
    public const byte TransferTypeInterrupt = 3;
    public const byte TransferFlagAddZeroPacket = 1 << 3;

    // enum libusb_capability, libusb_hotplug_event, libusb_hotplug_flag.
    public const uint CapHasHotplug = 0x0001;
    public const int HotplugDeviceArrived = 0x01;
    public const int HotplugDeviceLeft = 0x02;
    public const int HotplugMatchAny = -1;

    /// <summary>struct libusb_transfer (without the iso packet descriptors, which bulk and interrupt never use).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Transfer
    {
        public IntPtr DeviceHandle;
        public byte Flags;
        public byte Endpoint;
        public byte Type;
        public uint Timeout;
        public int Status;
        public int Length;
        public int ActualLength;
        public IntPtr Callback;
        public IntPtr UserData;
        public IntPtr Buffer;
        public int NumIsoPackets;
    }

    /// <summary>struct timeval on 64-bit Unix.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [DllImport(Library)] public static extern int libusb_init(out IntPtr context);
    [DllImport(Library)] public static extern void libusb_exit(IntPtr context);
    [DllImport(Library)] public static extern int libusb_has_capability(uint capability);
    [DllImport(Library)] public static extern IntPtr libusb_error_name(int code);
    [DllImport(Library)] public static extern IntPtr libusb_strerror(int code);
    [DllImport(Library)] public static extern int libusb_wrap_sys_device(IntPtr context, IntPtr systemHandle, out IntPtr deviceHandle);
    [DllImport(Library)] public static extern void libusb_close(IntPtr deviceHandle);
    [DllImport(Library)] public static extern int libusb_get_configuration(IntPtr deviceHandle, out int configuration);
    [DllImport(Library)] public static extern int libusb_set_configuration(IntPtr deviceHandle, int configuration);
    [DllImport(Library)] public static extern int libusb_set_auto_detach_kernel_driver(IntPtr deviceHandle, int enable);
    [DllImport(Library)] public static extern int libusb_kernel_driver_active(IntPtr deviceHandle, int interfaceNumber);
    [DllImport(Library)] public static extern int libusb_detach_kernel_driver(IntPtr deviceHandle, int interfaceNumber);
    [DllImport(Library)] public static extern int libusb_claim_interface(IntPtr deviceHandle, int interfaceNumber);
    [DllImport(Library)] public static extern int libusb_release_interface(IntPtr deviceHandle, int interfaceNumber);
    [DllImport(Library)] public static extern int libusb_clear_halt(IntPtr deviceHandle, byte endpoint);
    [DllImport(Library)] public static extern int libusb_reset_device(IntPtr deviceHandle);
    [DllImport(Library)] public static extern Transfer* libusb_alloc_transfer(int isoPackets);
    [DllImport(Library)] public static extern void libusb_free_transfer(Transfer* transfer);
    [DllImport(Library)] public static extern int libusb_submit_transfer(Transfer* transfer);
    [DllImport(Library)] public static extern int libusb_cancel_transfer(Transfer* transfer);
    [DllImport(Library)] public static extern int libusb_handle_events_timeout_completed(IntPtr context, ref TimeVal timeout, IntPtr completed);
    [DllImport(Library)] public static extern void libusb_interrupt_event_handler(IntPtr context);

    // Enumeration (LibUsbDeviceList): libusb's own list and the descriptors it cached, no device opened.
    [DllImport(Library)] public static extern nint libusb_get_device_list(IntPtr context, out IntPtr* list);
    [DllImport(Library)] public static extern void libusb_free_device_list(IntPtr* list, int unrefDevices);
    [DllImport(Library)] public static extern byte libusb_get_bus_number(IntPtr device);
    [DllImport(Library)] public static extern byte libusb_get_device_address(IntPtr device);
    [DllImport(Library)] public static extern int libusb_get_port_numbers(IntPtr device, byte* ports, int length);
    [DllImport(Library)] public static extern int libusb_get_device_descriptor(IntPtr device, byte* descriptor);
    [DllImport(Library)] public static extern int libusb_get_config_descriptor(IntPtr device, byte index, out ConfigDescriptor* config);
    [DllImport(Library)] public static extern void libusb_free_config_descriptor(ConfigDescriptor* config);
    [DllImport(Library)] public static extern int libusb_open(IntPtr device, out IntPtr deviceHandle);
    [DllImport(Library)] public static extern int libusb_get_string_descriptor_ascii(IntPtr deviceHandle, byte index, byte* data, int length);

    /// <summary>struct libusb_config_descriptor: the 9 bytes of the descriptor, then what libusb parsed out of the rest.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ConfigDescriptor
    {
        public byte Length, DescriptorType;
        public ushort TotalLength;
        public byte NumInterfaces, ConfigurationValue, Configuration, Attributes, MaxPower;
        public Interface* Interfaces;
        public byte* Extra;
        public int ExtraLength;
    }

    /// <summary>struct libusb_interface: the alternate settings of one interface number.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Interface
    {
        public InterfaceDescriptor* AltSettings;
        public int NumAltSettings;
    }

    /// <summary>struct libusb_interface_descriptor.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InterfaceDescriptor
    {
        public byte Length, DescriptorType, InterfaceNumber, AlternateSetting, NumEndpoints, InterfaceClass, InterfaceSubClass, InterfaceProtocol, Interface;
        public EndpointDescriptor* Endpoints;
        public byte* Extra;
        public int ExtraLength;
    }

    /// <summary>struct libusb_endpoint_descriptor (bRefresh and bSynchAddress exist on the wire only in audio's 9-byte form).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct EndpointDescriptor
    {
        public byte Length, DescriptorType, EndpointAddress, Attributes;
        public ushort MaxPacketSize;
        public byte Interval, Refresh, SynchAddress;
        public byte* Extra;
        public int ExtraLength;
    }

    [DllImport(Library)]
    public static extern int libusb_hotplug_register_callback(IntPtr context, int events, int flags, int vendorId, int productId, int deviceClass,
        delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, IntPtr, int> callback, IntPtr userData, out int callbackHandle);

    [DllImport(Library)] public static extern void libusb_hotplug_deregister_callback(IntPtr context, int callbackHandle);

    /// <summary>"LIBUSB_ERROR_ACCESS (Access denied (insufficient permissions))" for a code.</summary>
    public static string Describe(int code)
    {
        string? name = Marshal.PtrToStringAnsi(libusb_error_name(code));
        string? text = Marshal.PtrToStringAnsi(libusb_strerror(code));
        return $"{name} ({text})";
    }
}
