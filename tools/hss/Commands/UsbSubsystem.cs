using System.IO;
using System.Linq;

namespace HssDevice.Tool.Commands;

/// <summary>
/// Whether USB devices can appear at all on this machine, read from sysfs, so that `hss host --usb` says what is
/// missing instead of waiting in silence (issue 16): a container or a kernel without USB host support has no
/// /sys/bus/usb, and a machine with no host controller driver loaded has no root hub (usb1, usb2, ...) there.
/// </summary>
public static class UsbSubsystem
{
    /// <summary>What is missing for devices to appear under <paramref name="root"/>, or null when nothing is.</summary>
    public static string? Missing(string root)
    {
        if (!Directory.Exists(root))
        {
            return $"no USB subsystem: {root} does not exist (the kernel has no USB host support loaded, or this is a container without the host's /sys/bus/usb)";
        }

        try
        {
            if (!Directory.EnumerateDirectories(root, "usb*").Any())
            {
                return $"no USB host controller: {root} has no root hub (usb1, usb2, ...); load a host controller driver (for USB/IP: modprobe vhci-hcd)";
            }
        }
        catch (IOException e)
        {
            return $"cannot read {root}: {e.Message}";
        }
        catch (System.UnauthorizedAccessException e)
        {
            return $"cannot read {root}: {e.Message}";
        }

        return null;
    }
}
