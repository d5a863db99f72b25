using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using static HssDevice.Host.Usb.LibUsb.LibUsbNative;

namespace HssDevice.Host.Usb.LibUsb;

/// <summary>
/// One libusb context and its one event thread (every transfer callback runs there), plus a hot-plug callback when
/// libusb supports it, which only wakes the device scan. Devices are listed by libusb (ListDevices, with Linux
/// sysfs as a fallback: UsbDeviceDiscovery). On Linux they are opened from their usbfs node
/// (libusb_wrap_sys_device), so a permission problem is reported with the node's path, and a device only sysfs
/// listed opens too; elsewhere libusb opens the device it listed (libusb_open).
/// </summary>
public sealed unsafe class LibUsbSession : IDisposable
{
    private readonly IntPtr _context;
    private readonly ILogger _log;
    private readonly Thread _eventThread;
    private readonly GCHandle _self;
    private readonly int _hotplugHandle = -1;
    private volatile bool _stopping;

    /// <summary>Product strings libusb read from UsbStream boards (not on Linux, where sysfs has them), by device key.</summary>
    private readonly Dictionary<string, string?> _products = new();

    private LibUsbSession(IntPtr context, ILogger log)
    {
        _context = context;
        _log = log;
        _self = GCHandle.Alloc(this);
        HotplugSupported = libusb_has_capability(CapHasHotplug) != 0;
        if (HotplugSupported)
        {
            int rc = libusb_hotplug_register_callback(context, HotplugDeviceArrived | HotplugDeviceLeft, 0,
                HotplugMatchAny, HotplugMatchAny, HotplugMatchAny, &OnHotplug, GCHandle.ToIntPtr(_self), out int handle);
            if (rc == Success)
            {
                _hotplugHandle = handle;
            }
            else
            {
                HotplugSupported = false;
                _log.LogDebug("libusb hot-plug registration failed: {Error}; polling only", Describe(rc));
            }
        }

        _eventThread = new Thread(RunEvents) { IsBackground = true, Name = "libusb events" };
        _eventThread.Start();
    }

    /// <summary>True when libusb reports hot-plug events (they arrive only where udevd runs).</summary>
    public bool HotplugSupported { get; }

    /// <summary>Set by a hot-plug event: the scan runs at once instead of at its next poll.</summary>
    public SemaphoreSlim ScanWanted { get; } = new(0, 1);

    /// <summary>Initialises libusb; <see cref="LibUsbMissingException"/> when it is not installed.</summary>
    public static LibUsbSession Open(ILogger? log = null)
    {
        EnsureLoaded();
        int rc = libusb_init(out IntPtr context);
        if (rc < 0)
        {
            throw new UsbHostException("libusb_init failed: " + Describe(rc), rc);
        }

        return new LibUsbSession(context, log ?? NullLogger.Instance);
    }

    /// <summary>
    /// The devices to match: libusb's enumeration, and on Linux the sysfs devices it lacks (UsbDeviceDiscovery).
    /// A libusb enumeration that fails leaves sysfs alone on Linux, and is an error elsewhere.
    /// </summary>
    public IReadOnlyList<UsbDeviceCandidate> ListDevices() => ListDevices(SysfsUsbDevices.DefaultRoot);

    /// <summary>As <see cref="ListDevices()"/>, with the Linux fallback read from <paramref name="sysfsRoot"/>.</summary>
    public IReadOnlyList<UsbDeviceCandidate> ListDevices(string sysfsRoot)
    {
        IReadOnlyList<UsbDeviceCandidate> fromLibUsb;
        try
        {
            fromLibUsb = LibUsbDeviceList.Scan(_context, why => _log.LogDebug("libusb enumeration: {Device} left out", why),
                OperatingSystem.IsLinux() ? null : _products);
        }
        catch (UsbHostException e) when (OperatingSystem.IsLinux())
        {
            _log.LogWarning("{Error}; listing devices from sysfs only", e.Message);
            fromLibUsb = Array.Empty<UsbDeviceCandidate>();
        }

        return OperatingSystem.IsLinux() ? UsbDeviceDiscovery.Combine(fromLibUsb, SysfsUsbDevices.Scan(sysfsRoot)) : fromLibUsb;
    }

    /// <summary>
    /// Opens the device, makes its HSS configuration active, detaches kernel drivers from the HSS interfaces and
    /// claims them. Throws <see cref="UsbPermissionException"/> or <see cref="UsbHostException"/> with advice.
    /// </summary>
    public IUsbTransfers OpenDevice(UsbDeviceMatch match)
    {
        UsbDeviceCandidate device = match.Device;
        (IntPtr handle, SafeFileHandle node) = OperatingSystem.IsLinux() ? OpenNode(device) : OpenListed(device);
        int rc;

        var claimed = new List<int>();
        try
        {
            Check(libusb_get_configuration(handle, out int active), device, "reading the active configuration");
            if (active != match.ConfigurationValue)
            {
                Check(libusb_set_configuration(handle, match.ConfigurationValue), device, $"selecting configuration {match.ConfigurationValue}");
            }

            bool autoDetach = libusb_set_auto_detach_kernel_driver(handle, 1) == Success;
            foreach (byte number in match.InterfacesToClaim)
            {
                if (!autoDetach && libusb_kernel_driver_active(handle, number) == 1)
                {
                    Check(libusb_detach_kernel_driver(handle, number), device, $"detaching the kernel driver from interface {number}");
                }

                rc = libusb_claim_interface(handle, number);
                if (rc == ErrorBusy)
                {
                    throw new UsbHostException(UsbHostAdvice.InterfaceBusy(device.ToString(), number), rc);
                }

                Check(rc, device, $"claiming interface {number}");
                claimed.Add(number);
            }
        }
        catch
        {
            foreach (int number in claimed)
            {
                libusb_release_interface(handle, number);
            }

            libusb_close(handle);
            node.Dispose();
            throw;
        }

        return new LibUsbTransfers(handle, node, claimed.ToArray(), device.ToString());
    }

    private (IntPtr Handle, SafeFileHandle Node) OpenNode(UsbDeviceCandidate device)
    {
        SafeFileHandle node;
        try
        {
            node = File.OpenHandle(device.DevicePath, FileMode.Open, FileAccess.ReadWrite);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsbPermissionException(device.DevicePath, device.VendorId, device.ProductId, e);
        }
        catch (IOException e)
        {
            throw new UsbHostException($"{device}: cannot open {device.DevicePath}: {e.Message}", ErrorNoDevice, e);
        }

        int rc = libusb_wrap_sys_device(_context, node.DangerousGetHandle(), out IntPtr handle);
        if (rc < 0)
        {
            node.Dispose();
            throw new UsbHostException($"{device}: libusb cannot take {device.DevicePath}: {Describe(rc)}", rc);
        }

        return (handle, node);
    }

    /// <summary>macOS and Windows: libusb opens the device of its list (no file node; on Windows the WinUSB
    /// driver the board's MS OS 2.0 descriptors bind).</summary>
    private (IntPtr Handle, SafeFileHandle Node) OpenListed(UsbDeviceCandidate device)
    {
        IntPtr? handle = LibUsbDeviceList.Open(_context, device.Bus, device.Address, out int rc);
        if (handle == null)
        {
            Check(rc, device, "opening");
            throw new UsbHostException($"{device}: no longer in libusb's device list", ErrorNoDevice);
        }

        return (handle.Value, new SafeFileHandle(IntPtr.Zero, ownsHandle: false));
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_hotplugHandle >= 0)
        {
            libusb_hotplug_deregister_callback(_context, _hotplugHandle);
        }

        libusb_interrupt_event_handler(_context);
        _eventThread.Join(TimeSpan.FromSeconds(2));
        libusb_exit(_context);
        _self.Free();
    }

    private void Check(int rc, UsbDeviceCandidate device, string what)
    {
        if (rc == ErrorAccess)
        {
            throw new UsbPermissionException(device.DevicePath, device.VendorId, device.ProductId);
        }

        if (rc < 0)
        {
            throw new UsbHostException($"{device}: {what} failed: {Describe(rc)}", rc);
        }
    }

    private void RunEvents()
    {
        var timeout = new TimeVal { Seconds = 0, Microseconds = 200_000 };
        while (!_stopping)
        {
            int rc = libusb_handle_events_timeout_completed(_context, ref timeout, IntPtr.Zero);
            if (rc < 0 && rc != ErrorInterrupted)
            {
                _log.LogWarning("libusb event handling: {Error}", Describe(rc));
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>libusb's hot-plug callback (event thread): opening devices here is not allowed, so it only wakes the scan.</summary>
    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static int OnHotplug(IntPtr context, IntPtr device, int hotplugEvent, IntPtr userData)
    {
        try
        {
            var session = (LibUsbSession)GCHandle.FromIntPtr(userData).Target!;
            if (session.ScanWanted.CurrentCount == 0)
            {
                session.ScanWanted.Release();
            }
        }
        catch (Exception)
        {
            // A second release raced this one (SemaphoreFullException): a scan is wanted already.
        }

        return 0;
    }
}
