using System;
using HssDevice.Host.Policy;

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

    /// <summary>Device-to-host items (TRANSMITs, SHUTDOWNs) one device may have queued for its OS sockets; each is also
    /// charged at least 64 bytes against <see cref="MaxBufferedBytesPerDevice"/>. Beyond it: EHOSTERR.</summary>
    public int MaxQueuedItemsPerDevice { get; init; } = 1024;

    /// <summary>Host requests (TRANSMIT, SHUTDOWN, CLOSE) awaiting the device's answer. At the bound the host waits
    /// (stops reading the OS sockets) until the device answers; message IDs therefore never run out.</summary>
    public int MaxPendingRequestsPerDevice { get; init; } = 1024;

    /// <summary>Bytes queued towards the device and not yet taken by the link (each packet charged at least 64). At
    /// the bound the host stops reading the device's pipes until the link takes more (back-pressure).</summary>
    public int MaxOutboundBytesPerDevice { get; init; } = 256 * 1024;

    /// <summary>Packets queued towards the device and not yet taken by the link; at the bound as
    /// <see cref="MaxOutboundBytesPerDevice"/>.</summary>
    public int MaxOutboundPacketsPerDevice { get; init; } = 4096;

    /// <summary>While the outbound queue is full, the link must take at least one packet within this, or the device is
    /// disconnected (it sends requests and reads no answers).</summary>
    public TimeSpan OutboundStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A device must send its first whole packet within this after attaching, or it is disconnected.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.</summary>
    public TimeSpan FirstPacketTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A packet the device has begun (a header, part of a payload, or an oversized payload being skipped) must
    /// be whole within this, or the device is disconnected: bytes trickled into a packet are not activity, so a header
    /// announcing megabytes followed by a byte a second cannot hold a device slot. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
    /// turns it off. Time spent while the host itself does not read the device (back-pressure) does not count.</summary>
    public TimeSpan PacketTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A device from which no packet came and on whose sockets no byte moved for this long is disconnected.
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Host-wide (read from the settings the host was made with): devices attached at once; more are refused.</summary>
    public int MaxDevices { get; init; } = 32;

    /// <summary>Host-wide: device-to-host bytes all devices together may have buffered (each device also has
    /// <see cref="MaxBufferedBytesPerDevice"/>). Beyond it: EHOSTERR.</summary>
    public long MaxHostBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Host-wide: the part of <see cref="MaxHostBufferBytes"/> each device always has, whatever the other
    /// devices hold (half of it split evenly over <see cref="MaxDevices"/>); only bytes above it compete for the rest.
    /// So devices that fill the host's buffer with data for peers that do not read exhaust only their own share.</summary>
    public long ReservedBufferBytesPerDevice => MaxHostBufferBytes / (2L * MaxDevices);

    /// <summary>SO_SNDBUF and SO_RCVBUF of every OS socket the host opens for a device (Linux doubles the value): the
    /// kernel memory one socket may pin is at most 4 times this (twice per direction). 0 leaves the OS's autotuning
    /// (megabytes per socket). Larger values help throughput to distant peers (at most this over the round-trip time).</summary>
    public int KernelBufferBytesPerSocket { get; init; } = 32 * 1024;

    /// <summary>Host-wide: file descriptors the host keeps for itself below the process's open-file limit (read when
    /// the host starts, on Linux): device sockets and device connections together get the rest, so that running out
    /// of descriptors refuses devices' OPENs (EHOSTERR) instead of failing the runtime's own files and threads.</summary>
    public int ReservedDescriptors { get; init; } = 64;

    /// <summary>Host-wide, for listeners (`hss host --listen`): devices attached at once from one remote address (an
    /// IPv6 address counts by its /64 prefix, what one subscriber is usually given). More are closed at once.</summary>
    public int MaxDevicesPerAddress { get; init; } = 8;

    /// <summary>Host-wide: log messages (Information and above) per second over every device and listener; more are
    /// held back and counted, so a flood of connections cannot flood the log.</summary>
    public int LogMessagesPerSecond { get; init; } = 200;

    /// <summary>What devices may reach (docs/security.md). The default denies the host's loopback, link-local,
    /// multicast, broadcast and private addresses.</summary>
    public DestinationPolicy Destinations { get; init; } = DestinationPolicy.Default;

    /// <summary>These settings with the host's loopback reachable (the demo and the tests, whose peers listen there).</summary>
    public HssHostSettings WithLoopbackAllowed() => this with { Destinations = Destinations.WithLoopbackAllowed() };

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
    public static HssHostSettings ForReferenceDevice { get; } = new HssHostSettings().AsReferenceDevice();

    /// <summary>These settings (limits, destination policy) for a reference device: no ACK awaited, one packet per transfer.</summary>
    public HssHostSettings AsReferenceDevice() => this with { WaitForDeviceTransmitAcks = false, PackDataPackets = false, SocketCommandsBehindData = true };

    internal void Validate()
    {
        if (MaxSocketsPerDevice < 1 || MaxBufferedBytesPerDevice < 1 || HostToDeviceWindow < 1 || MaxHostToDeviceBytesPerDevice < 1 || MaxHostTransmitPayload < 1
            || MaxDeviceTransmitPayload < Wire.HssLayout.MaxCommandPayload || MaxDataTransferBytes < 64
            || MaxQueuedItemsPerDevice < 1 || MaxOutboundBytesPerDevice < 1 || MaxOutboundPacketsPerDevice < 1 || MaxDevices < 1
            || MaxHostBufferBytes < 1 || MaxPendingRequestsPerDevice < 1 || KernelBufferBytesPerSocket < 0 || ReservedDescriptors < 0
            || MaxDevicesPerAddress < 1 || LogMessagesPerSecond < 1
            || MaxPendingRequestsPerDevice + 2 * MaxSocketsPerDevice >= ushort.MaxValue || Destinations == null)
        {
            throw new ArgumentException("HssHostSettings: limits must be positive (MaxDeviceTransmitPayload at least 52, MaxDataTransferBytes at least 64; "
                + "MaxPendingRequestsPerDevice + 2 x MaxSocketsPerDevice below 65535 so that message IDs never run out)");
        }
    }
}
