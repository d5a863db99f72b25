namespace HssDevice.Host.Emulation;

/// <summary>How a transfer is cut into USB packets (USB 2.0 section 5.8.3): full packets of wMaxPacketSize, then a
/// short packet, or a zero-length packet when the length is a multiple of wMaxPacketSize and ZLPs are sent.</summary>
public static class UsbPacketizer
{
    public static int PacketCount(int transferLength, int maxPacketSize, bool sendZeroLengthPacket)
    {
        if (transferLength == 0)
        {
            return 1;
        }

        int full = transferLength / maxPacketSize;
        int rest = transferLength % maxPacketSize;
        return rest != 0 ? full + 1 : full + (sendZeroLengthPacket ? 1 : 0);
    }

    /// <summary>True when the receiver sees the transfer end: its last packet is short (a ZLP counts as short).</summary>
    public static bool EndsWithShortPacket(int transferLength, int maxPacketSize, bool sendZeroLengthPacket) =>
        transferLength % maxPacketSize != 0 || sendZeroLengthPacket || transferLength == 0;

    /// <summary>Packet sizes in order, for traces and tests.</summary>
    public static int[] PacketSizes(int transferLength, int maxPacketSize, bool sendZeroLengthPacket)
    {
        var sizes = new int[PacketCount(transferLength, maxPacketSize, sendZeroLengthPacket)];
        int left = transferLength;
        for (int i = 0; i < sizes.Length; i++)
        {
            int size = left < maxPacketSize ? left : maxPacketSize;
            sizes[i] = size;
            left -= size;
        }

        return sizes;
    }
}
