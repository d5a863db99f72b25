using System;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Host.Usb.Boards;
using HssDevice.LinuxGuest;
using HssDevice.Usb;
using FirmwareSpeed = HssDevice.Usb.UsbSpeed;
using LinkSpeed = HssDevice.Host.Emulation.UsbSpeed;

namespace HssDevice.UsbIp.Tests;

/// <summary>
/// A board's USB device served by a UsbIpServer on 127.0.0.1 (port chosen by the OS), as `hss emulate --usbip`
/// builds it, without the engine: tests play the device on <see cref="Link"/>'s device end.
/// </summary>
public sealed class EmulatedBoardDevice : IAsyncDisposable
{
    public EmulatedBoardDevice(string boardName, HssUsbProfile profile, FirmwareSpeed speed, bool reference = false, UsbIpLimits? limits = null)
    {
        Board = BoardDirectory.Load(Path.Combine(RepositoryRoot.Path, "boards"), boardName).ToDeviceSettings();
        Board.ReferenceIdentity = reference;
        Profile = profile;
        Speed = speed;
        Descriptors = new UsbDescriptorBuilder(Board, profile);
        LinkSpeed linkSpeed = speed == FirmwareSpeed.High ? LinkSpeed.HighSpeed : LinkSpeed.FullSpeed;
        Link = new EmulatedUsbLink(reference ? UsbLinkOptions.ReferenceCompatible(linkSpeed)
            : linkSpeed == LinkSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed);
        Device = new EmulatedUsbIpDevice(Descriptors, speed, Link.HostEnd);
        Server = new UsbIpServer(Device, limits, Log);
        EndPoint = Server.Start(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public BoardSettings Board { get; }

    public HssUsbProfile Profile { get; }

    public FirmwareSpeed Speed { get; }

    public UsbDescriptorBuilder Descriptors { get; }

    public EmulatedUsbLink Link { get; }

    public EmulatedUsbIpDevice Device { get; }

    public UsbIpServer Server { get; }

    public ListLogger Log { get; } = new();

    public IPEndPoint EndPoint { get; }

    /// <summary>VID:PID as lsusb -d takes it.</summary>
    public string VidPid => $"{Device.Info.VendorId:x4}:{Device.Info.ProductId:x4}";

    public override string ToString() => $"{Board.Name}/{Profile}/{Speed}";

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
