namespace HssDevice.Host.Usb.LibUsb;

/// <summary>A USB host failure a user can act on; the message says what to do.</summary>
public class UsbHostException : Exception
{
    public UsbHostException(string message, int libUsbCode = 0, Exception? inner = null)
        : base(message, inner) => LibUsbCode = libUsbCode;

    /// <summary>The libusb error code (negative), 0 when the failure did not come from libusb.</summary>
    public int LibUsbCode { get; }
}

/// <summary>libusb-1.0 cannot be loaded: the message names the package that provides it.</summary>
public sealed class LibUsbMissingException : UsbHostException
{
    public LibUsbMissingException(Exception inner)
        : base(UsbHostAdvice.LibUsbMissing(inner.Message), 0, inner)
    {
    }
}

/// <summary>The device node cannot be opened for lack of permission: the message names the udev rule that fixes it.</summary>
public sealed class UsbPermissionException : UsbHostException
{
    public UsbPermissionException(string devicePath, ushort vendorId, ushort productId, Exception? inner = null)
        : base(UsbHostAdvice.NoPermission(devicePath, vendorId, productId), LibUsbNative.ErrorAccess, inner)
    {
        DevicePath = devicePath;
    }

    public string DevicePath { get; }
}

/// <summary>The texts of <see cref="UsbHostException"/>s, kept free of libusb so they are tested without it.</summary>
public static class UsbHostAdvice
{
    /// <summary>Where the repository keeps the udev rule (tools/linux-usb/60-hss.rules).</summary>
    public const string UdevRulePath = "tools/linux-usb/60-hss.rules";

    /// <summary>The rule to copy: the one beside the tool when it carries one (an installed .NET tool, or a build's
    /// output), since an installed tool has no repository; else the repository's path.</summary>
    public static string UdevRuleToCopy()
    {
        string besideTool = Path.Combine(AppContext.BaseDirectory, "linux-usb", "60-hss.rules");
        return File.Exists(besideTool) ? besideTool : UdevRulePath;
    }

    public static string LibUsbMissing(string loaderMessage) =>
        "libusb-1.0 is not installed or cannot be loaded (" + loaderMessage + "). Install it: Debian/Ubuntu "
        + "`sudo apt-get install libusb-1.0-0`, Fedora `sudo dnf install libusb1`, macOS `brew install libusb`.";

    public static string NoPermission(string devicePath, ushort vendorId, ushort productId) =>
        $"no permission to open {devicePath} (USB device {vendorId:x4}:{productId:x4}). Install the project's udev rule: "
        + $"`sudo cp {UdevRuleToCopy()} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger`, "
        + "then unplug and replug the device. If the rule does not list this device, add the line "
        + UdevRuleLine(vendorId, productId) + " to it. (Or run as root.)";

    /// <summary>The udev rule line that gives the logged-in user (uaccess) and group plugdev access to one VID:PID.</summary>
    public static string UdevRuleLine(ushort vendorId, ushort productId) =>
        $"SUBSYSTEM==\"usb\", ATTR{{idVendor}}==\"{vendorId:x4}\", ATTR{{idProduct}}==\"{productId:x4}\", MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"";

    public static string InterfaceBusy(string device, int interfaceNumber) =>
        $"{device}: interface {interfaceNumber} is claimed by another program (another `hss host --usb`?); stop it and the device is retried.";

    public static string DeviceGone(string device, string what) =>
        $"{device}: device gone ({what}); its sockets are closed, other devices go on.";
}
