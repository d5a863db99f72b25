namespace HssDevice.Host.Emulation;

/// <summary>What crossed one pipe direction so far. Packets include zero-length packets.</summary>
public readonly record struct UsbPipeStatistics(long Transfers, long Packets, long ZeroLengthPackets, long Bytes, long DroppedBytes);

/// <summary>One transfer as it crossed the bus, for tests and traces (<see cref="EmulatedUsbLink.TransferSent"/>).</summary>
public sealed record UsbTransferTrace(string Pipe, int Length, int[] PacketSizes);
