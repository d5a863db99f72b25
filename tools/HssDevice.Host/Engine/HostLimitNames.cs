namespace HssDevice.Host;

/// <summary>
/// Names of the host's limits, as they appear in logs, in <see cref="DeviceCounters.LimitHits"/> and in
/// docs/security.md: each is the <see cref="HssHostSettings"/> property that sets it.
/// </summary>
public static class HostLimitNames
{
    public const string Sockets = nameof(HssHostSettings.MaxSocketsPerDevice);
    public const string BufferedBytes = nameof(HssHostSettings.MaxBufferedBytesPerDevice);
    public const string QueuedItems = nameof(HssHostSettings.MaxQueuedItemsPerDevice);
    public const string PendingRequests = nameof(HssHostSettings.MaxPendingRequestsPerDevice);
    public const string OutboundBytes = nameof(HssHostSettings.MaxOutboundBytesPerDevice);
    public const string OutboundPackets = nameof(HssHostSettings.MaxOutboundPacketsPerDevice);
    public const string OutboundStall = nameof(HssHostSettings.OutboundStallTimeout);
    public const string HostBufferBytes = nameof(HssHostSettings.MaxHostBufferBytes);
    public const string Devices = nameof(HssHostSettings.MaxDevices);
    public const string FirstPacket = nameof(HssHostSettings.FirstPacketTimeout);
    public const string Idle = nameof(HssHostSettings.IdleTimeout);
    public const string Packet = nameof(HssHostSettings.PacketTimeout);
    public const string Descriptors = nameof(HssHostSettings.ReservedDescriptors);
    public const string DevicesPerAddress = nameof(HssHostSettings.MaxDevicesPerAddress);
    public const string LogRate = nameof(HssHostSettings.LogMessagesPerSecond);
    public const string DatagramSize = nameof(HssHostSettings.MaxHostTransmitPayload);
    public const string Destination = nameof(HssHostSettings.Destinations);
}
