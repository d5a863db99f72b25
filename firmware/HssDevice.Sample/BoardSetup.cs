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
            settings.MaxTransmitPayload = board.MaxDataPayload < board.SendWindow ? board.MaxDataPayload : board.SendWindow;
            settings.SendWindow = board.SendWindow;
            settings.ReceiveBufferPerSocket = board.ReceiveBufferPerSocket;
            settings.ReceiveBudgetTotal = board.TotalReceiveBudget;
            settings.Validate();
            return settings;
        }
    }
}
