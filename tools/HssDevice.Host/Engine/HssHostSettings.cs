using System;

namespace HssDevice.Host;

/// <summary>Settings of the host engine, per device. Defaults follow docs/protocol.md; presets model the reference.</summary>
public sealed record HssHostSettings
{
    /// <summary>Live sockets one device may hold; an OPEN beyond it is answered EHOSTERR.</summary>
    public int MaxSocketsPerDevice { get; init; } = 64;

    /// <summary>
    /// Device-to-host bytes one device may have received on the host and not yet written to OS sockets. A TRANSMIT
    /// beyond it is answered -EHOSTERR (a device that keeps its window never reaches it).
    /// </summary>
    public int MaxBufferedBytesPerDevice { get; init; } = 4 * 1024 * 1024;

    /// <summary>Host-to-device window per socket: unacknowledged TRANSMIT bytes (docs/protocol.md section 6). At most the
    /// device's receive buffer per socket (HssEngineSettings.ReceiveBufferPerSocket, 4096 by default).</summary>
    public int HostToDeviceWindow { get; init; } = 4096;

    /// <summary>Host-to-device bytes in flight over all sockets of one device: at most the device's total receive
    /// budget (HssEngineSettings.ReceiveBudgetTotal, 32768 by default), so the device never has to stop reading its
    /// data pipe (which in the single-pipe profile would hold back the host's ACKs too).</summary>
    public int MaxHostToDeviceBytesPerDevice { get; init; } = 32 * 1024;

    /// <summary>Largest TRANSMIT payload the host sends to the device: the device's receive maximum
    /// (HssEngineSettings.MaxDataPayload, 2048 by default). UDP datagrams larger than it are dropped and counted.</summary>
    public int MaxHostTransmitPayload { get; init; } = 2048;

    /// <summary>Largest TRANSMIT payload the host accepts from the device; larger ones are answered EINVAL.</summary>
    public int MaxDeviceTransmitPayload { get; init; } = 65535;

    /// <summary>Most bytes the host packs into one data transfer (with <see cref="PackDataPackets"/>).</summary>
    public int MaxDataTransferBytes { get; init; } = 16 * 1024;

    /// <summary>TCP CONNECT gives up after this and answers ETIMEDOUT.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the host waits for the device's ACK of a SHUTDOWN or CLOSE it sent.</summary>
    public TimeSpan DeviceRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True: the device ACKs a host TRANSMIT when its application has read it, and the host keeps
    /// <see cref="HostToDeviceWindow"/> per socket. False (a reference device never ACKs; a reference host ignores
    /// ACKs): the window counts bytes until the link has taken them, and device ACKs of TRANSMITs are ignored.
    /// </summary>
    public bool WaitForDeviceTransmitAcks { get; init; } = true;

    /// <summary>True: TRANSMIT ACKs carry the 4-byte count (7-byte payload). False: the reference's 3-byte ACK.</summary>
    public bool TransmitAckWithCount { get; init; } = true;

    /// <summary>
    /// Send the host's SHUTDOWN and CLOSE on the data pipe, behind the socket's TRANSMITs. Without device ACKs the
    /// host cannot know the device has taken the data, and a command on the other pipe could overtake it; receivers
    /// dispatch by opcode, whichever pipe a packet came on. Off by default (commands use the command pipe).
    /// </summary>
    public bool SocketCommandsBehindData { get; init; }

    /// <summary>Several data packets may share one transfer (docs/protocol.md section 3). The reference reads one per transfer.</summary>
    public bool PackDataPackets { get; init; } = true;

    /// <summary>A host that behaves like the reference host (docs/protocol.md sections 3, 6): 3-byte TRANSMIT ACKs, device
    /// ACKs ignored, one packet per transfer.</summary>
    public static HssHostSettings ReferenceCompatibleHost { get; } =
        new() { WaitForDeviceTransmitAcks = false, TransmitAckWithCount = false, PackDataPackets = false, SocketCommandsBehindData = true };

    /// <summary>Our host serving a reference device, which never ACKs TRANSMITs and reads one packet per transfer.</summary>
    public static HssHostSettings ForReferenceDevice { get; } = new() { WaitForDeviceTransmitAcks = false, PackDataPackets = false, SocketCommandsBehindData = true };

    internal void Validate()
    {
        if (MaxSocketsPerDevice < 1 || MaxBufferedBytesPerDevice < 1 || HostToDeviceWindow < 1 || MaxHostToDeviceBytesPerDevice < 1 || MaxHostTransmitPayload < 1
            || MaxDeviceTransmitPayload < Wire.HssLayout.MaxCommandPayload || MaxDataTransferBytes < 64)
        {
            throw new ArgumentException("HssHostSettings: limits must be positive (MaxDeviceTransmitPayload at least 52, MaxDataTransferBytes at least 64)");
        }
    }
}
