namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>tools/linux-usb/guest-usbip.sh as the guest runs it (the guest sees this machine's files at the same paths).</summary>
public static class GuestScript
{
    public static string Path => "sh " + System.IO.Path.Combine(HssDevice.LinuxGuest.RepositoryRoot.LinuxUsbTools, "guest-usbip.sh");
}
