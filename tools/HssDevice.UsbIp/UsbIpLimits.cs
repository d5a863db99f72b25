using System;

namespace HssDevice.UsbIp;

/// <summary>
/// Bounds on what clients may ask of the server (docs/security.md, "hss emulate --usbip"). A request over a
/// per-connection bound is logged and closes that connection; the connection and descriptor bounds refuse or evict.
/// </summary>
public sealed record UsbIpLimits
{
    /// <summary>Largest transfer_buffer_length accepted: far above what the kernel's usbfs and HSS transfers use.</summary>
    public int MaxTransferLength { get; init; } = 1024 * 1024;

    /// <summary>URBs submitted and not yet answered, per connection.</summary>
    public int MaxUrbsInFlight { get; init; } = 128;

    /// <summary>OUT data the server holds for URBs submitted and not yet completed or unlinked, per connection (an
    /// unlinked URB's data is let go at once). 16 MiB is usbfs's own default for a process's URB memory.</summary>
    public long MaxOutBytesInFlight { get; init; } = 16L * 1024 * 1024;

    /// <summary>Client connections at once. When full, a newcomer takes the place of the oldest connection that does
    /// not hold the device imported; if every one does (it cannot: one import at a time), it is refused.</summary>
    public int MaxConnections { get; init; } = 16;

    /// <summary>A new connection must send its first request within this (`usbip list` and `usbip attach` send theirs
    /// at once); otherwise it is closed. A silent connection holds no place for long.</summary>
    public TimeSpan FirstOperationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>File descriptors the server keeps free below the process's open-file limit: at fewer, a new
    /// connection is closed at once (the runtime needs descriptors of its own for threads and files).</summary>
    public int ReservedDescriptors { get; init; } = 64;

    /// <summary>Log lines per second over all connections (connects, refusals, protocol errors); more are held back
    /// and counted.</summary>
    public int LogMessagesPerSecond { get; init; } = 100;
}
