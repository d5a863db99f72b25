namespace HssDevice.Usb.Boards
{
    /// <summary>
    /// C# twin of boards/slstk3701a.json; BoardTwinTests checks that they agree.
    /// Silicon Labs SLSTK3701A (EFM32 Giant Gecko GG11) on stock nanoFramework firmware (SL_STK3701A, SL_STK3701A_REVB):
    /// the HSS link is the firmware's UsbStream, so the single-pipe profile over the firmware's own descriptors
    /// (read from nanoFramework's sources, not seen on a board: docs/boards.md).
    /// </summary>
    public static class Slstk3701aBoard
    {
        public const string Name = "slstk3701a";

        public static BoardSettings Create()
        {
            BoardSettings b = new BoardSettings();
            b.Name = Name;
            b.FirmwareTarget = "SL_STK3701A";
            b.Link = BoardLink.UsbStream;
            b.Speed = UsbSpeed.Full;
            b.VendorId = 0x10C4;
            b.ProductId = 0x8DAD;
            b.DeviceRelease = 0x0100;
            b.ReferenceIdentity = false;
            b.Manufacturer = "Silicon Labs";
            b.Product = "HSS SLSTK3701A";
            b.SerialNumber = "";
            b.InterruptIntervalMicroseconds = 1000;
            b.MaxPowerMilliamps = 100;
            b.Profile = HssUsbProfile.SinglePipe;
            b.CdcSubclass = 0xAB;
            b.DeviceInterfaceGuid = "{7ED00674-9D80-4A0C-BBC7-5810CD5AF500}";
            b.SendWindow = 4096;
            b.ReceiveBufferPerSocket = 4096;
            b.TotalReceiveBudget = 16384;
            b.MaxSockets = 4;
            b.MaxDataPayload = 2048;
            return b;
        }
    }
}
