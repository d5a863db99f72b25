using HssDevice.Engine;
using HssDevice.Usb;

namespace HssDevice.Sample
{
    /// <summary>Turns a board's settings (boards/NAME.json, as its C# twin) into the engine's limits.</summary>
    public static class BoardSetup
    {
        public static HssEngineSettings EngineSettings(BoardSettings board)
        {
            board.Validate();
            var settings = new HssEngineSettings();
            settings.MaxSockets = board.MaxSockets;
            settings.MaxDataPayload = board.MaxDataPayload;
            settings.MaxTransmitPayload = PacketAlignedPayload(board.MaxDataPayload < board.SendWindow ? board.MaxDataPayload : board.SendWindow);
            settings.SendWindow = board.SendWindow;
            settings.ReceiveBufferPerSocket = board.ReceiveBufferPerSocket;
            settings.ReceiveBudgetTotal = board.TotalReceiveBudget;
            settings.Validate();
            return settings;
        }

        /// <summary>
        /// The largest TRANSMIT payload up to limit whose transfer (12-byte header + payload) is one byte short of a
        /// multiple of 512: its last USB packet is then short, full speed (64) or high speed (512), so the transfer
        /// needs no zero-length packet and wastes at most one byte of bus (docs/protocol.md section 3). 2048 bytes of
        /// payload make a 2060-byte transfer, 33 full-speed packets for 2048 bytes (97.0 %); 2035 make 2047 bytes,
        /// 32 packets (99.4 %). Limits under 512 are kept as they are.
        /// </summary>
        public static int PacketAlignedPayload(int limit)
        {
            const int Header = 12;
            const int Unit = 512;
            int transfer = ((limit + Header + 1) / Unit) * Unit - 1;
            int payload = transfer - Header;
            return payload >= Unit - Header - 1 ? payload : limit;
        }
    }
}
