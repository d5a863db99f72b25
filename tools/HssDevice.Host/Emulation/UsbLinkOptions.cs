namespace HssDevice.Host.Emulation;

/// <summary>What the emulated USB link models. Defaults: full speed, command and data pipes, packing, ZLPs, no timing.</summary>
public sealed record UsbLinkOptions
{
    public UsbSpeed Speed { get; init; } = UsbSpeed.FullSpeed;

    /// <summary>
    /// The single-pipe profile over USB (only a bulk pair, as nanoFramework's UsbStream offers): commands travel whole
    /// on the bulk pipes and the device end's <c>HasCommandPipe</c> is false.
    /// </summary>
    public bool SinglePipe { get; init; }

    /// <summary>
    /// True: one write is one transfer, whatever it holds. False: a write holding several HSS packets becomes one
    /// transfer per packet (the reference host reads one packet per transfer). This is the one place the link
    /// reads HSS headers (their payload_len), and only on the bulk pipes.
    /// </summary>
    public bool PackDataPackets { get; init; } = true;

    /// <summary>End a transfer whose length is a multiple of wMaxPacketSize with a zero-length packet (USB 2.0 5.8.3).
    /// Without one, the receiver cannot see where such a transfer ends and reads on into the next one.</summary>
    public bool SendZeroLengthPackets { get; init; } = true;

    /// <summary>Enforce the bus timing (bulk packets per frame, one interrupt packet per interval). Off for functional tests.</summary>
    public bool Timing { get; init; }

    /// <summary>Interrupt endpoint polling interval in microseconds (bInterval 1 at full speed or 4 at high speed = 1000).</summary>
    public int InterruptIntervalMicroseconds { get; init; } = 1000;

    /// <summary>Bytes one pipe direction holds (host controller queue plus device FIFO) before its writer blocks, as a NAKed endpoint does.</summary>
    public int PipeCapacityBytes { get; init; } = 64 * 1024;

    public int BulkMaxPacketSize => UsbSpeedFacts.BulkMaxPacketSize(Speed);

    public static UsbLinkOptions FullSpeed { get; } = new();

    public static UsbLinkOptions HighSpeed { get; } = new() { Speed = UsbSpeed.HighSpeed };

    /// <summary>
    /// The link as the reference (xaptum/hss) drives it: one packet per transfer and no zero-length packets
    /// (docs/protocol.md section 3). Its host's 3-byte TRANSMIT ACKs and ignored device ACKs are host settings:
    /// <see cref="HssDevice.Host.HssHostSettings.ReferenceCompatibleHost"/>.
    /// </summary>
    public static UsbLinkOptions ReferenceCompatible(UsbSpeed speed) =>
        new() { Speed = speed, PackDataPackets = false, SendZeroLengthPackets = false };
}
