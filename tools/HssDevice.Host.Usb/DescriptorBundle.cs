using HssDevice.Usb;

namespace HssDevice.Host.Usb;

/// <summary>
/// Every descriptor a board answers with, as bytes from the device's own builder, for one profile and the speed the
/// device runs at. Null where the device stalls the request (qualifier and other-speed on a full-speed-only board).
/// </summary>
public sealed record DescriptorBundle(
    string BoardName,
    HssUsbProfile Profile,
    UsbSpeed Speed,
    byte[] Device,
    byte[] Configuration,
    byte[]? DeviceQualifier,
    byte[]? OtherSpeedConfiguration,
    byte[] Bos,
    byte[] MsOs20Set,
    byte MsOs20VendorCode,
    IReadOnlyDictionary<int, byte[]> Strings)
{
    /// <summary>String indexes asked for: language IDs and the device's strings (builder indexes 1 to 4).</summary>
    private const int HighestStringIndex = 4;

    /// <summary>Builds the bundle; ArgumentException when the board cannot run at <paramref name="speed"/> or its settings are invalid.</summary>
    public static DescriptorBundle Build(BoardSettings board, HssUsbProfile profile, UsbSpeed speed)
    {
        var builder = new UsbDescriptorBuilder(board, profile);
        var strings = new SortedDictionary<int, byte[]>();
        for (int i = 0; i <= HighestStringIndex; i++)
        {
            var s = builder.BuildString(i);
            if (s != null)
            {
                strings[i] = s;
            }
        }

        return new DescriptorBundle(
            board.Name,
            profile,
            speed,
            builder.BuildDeviceDescriptor(),
            builder.BuildConfiguration(speed),
            builder.IsHighSpeedCapable ? builder.BuildDeviceQualifier() : null,
            builder.IsHighSpeedCapable ? builder.BuildOtherSpeedConfiguration(speed) : null,
            builder.BuildBos(),
            builder.BuildMsOs20DescriptorSet(),
            UsbDescriptorBuilder.MsOs20VendorCode,
            strings);
    }
}
