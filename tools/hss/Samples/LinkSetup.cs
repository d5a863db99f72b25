using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Sample;
using BoardSettings = HssDevice.Usb.BoardSettings;
using HssDevice.Usb.Boards;

namespace HssDevice.Tool.Samples;

/// <summary>
/// The emulated link, device and host settings of one run. The device is the board of that speed (full:
/// esp32-s3, high: stm32f769i-discovery): its budgets (window, TRANSMIT size, receive buffers) become the engine's
/// settings and the host's matching limits, and its interrupt interval the link's. Our defaults, or the
/// reference-compatible setting (the link as xaptum/hss drives it, one packet per transfer and no zero-length
/// packets, and a host with 3-byte TRANSMIT ACKs that ignores device ACKs; docs/protocol.md sections 3 and 6).
/// </summary>
public sealed record LinkSetup(UsbSpeed Speed, bool Reference, bool Timing)
{
    public const string FullSpeedBoard = "esp32-s3";
    public const string HighSpeedBoard = "stm32f769i-discovery";

    public string BoardName => Speed == UsbSpeed.HighSpeed ? HighSpeedBoard : FullSpeedBoard;

    public BoardSettings Board => BoardCatalog.Create(BoardName);

    /// <summary>The device engine's settings: the board's budgets (BoardSetup, as the sample firmware makes them).</summary>
    public HssEngineSettings EngineSettings => WithReferenceAcks(BoardSetup.EngineSettings(Board), Reference);

    /// <summary>A reference device never ACKs the host's TRANSMITs (its hosts ignore such ACKs): flow control is the
    /// device not reading the bulk pipe (docs/protocol.md section 6, docs/decisions.md).</summary>
    public static HssEngineSettings WithReferenceAcks(HssEngineSettings settings, bool reference)
    {
        settings.AckHostTransmits = !reference;
        return settings;
    }

    public UsbLinkOptions LinkOptions =>
        (Reference ? UsbLinkOptions.ReferenceCompatible(Speed) : Speed == UsbSpeed.HighSpeed ? UsbLinkOptions.HighSpeed : UsbLinkOptions.FullSpeed)
        with { Timing = Timing, InterruptIntervalMicroseconds = UsbSpeedFacts.PolledIntervalMicroseconds(Speed, Board.InterruptIntervalMicroseconds) };

    /// <summary>Our host (or the reference-compatible one) with the host-to-device limits the board's engine takes. The
    /// demo's and the bench's servers listen on this machine's loopback, which the host denies to devices by default
    /// (docs/security.md): these runs allow it, and say so.</summary>
    public HssHostSettings HostSettings => ForBoard(Reference ? HssHostSettings.ReferenceCompatibleHost : new HssHostSettings(), Board).WithLoopbackAllowed();

    public string SpeedName => UsbSpeedFacts.NameOf(Speed);

    public string SettingsName => Reference ? "reference" : "default";

    public string Describe() =>
        $"emulated {SpeedName}-speed USB link (bulk {UsbSpeedFacts.BulkMaxPacketSize(Speed)} B), board {BoardName}, " +
        (Reference ? "reference-compatible settings" : "default settings") +
        (Timing ? ", USB timing model" : "");

    public static UsbSpeed ParseSpeed(string? text) => text == "high" ? UsbSpeed.HighSpeed : UsbSpeed.FullSpeed;

    /// <summary>
    /// A host that sends this board no more than its engine takes: TRANSMITs of at most its MaxDataPayload (cut to
    /// end in a short USB packet, as the device's own), a window
    /// of its receive buffer per socket, and its total receive budget over all sockets (docs/protocol.md section 6).
    /// </summary>
    public static HssHostSettings ForBoard(HssHostSettings baseline, BoardSettings board) => baseline with
    {
        MaxHostTransmitPayload = BoardSetup.PacketAlignedPayload(board.MaxDataPayload),
        HostToDeviceWindow = board.ReceiveBufferPerSocket,
        MaxHostToDeviceBytesPerDevice = board.TotalReceiveBudget,
    };
}
