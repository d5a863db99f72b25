namespace HssDevice.Usb.Boards
{
    /// <summary>
    /// C# twin of boards/stm32f769i-discovery.json; BoardTwinTests checks that they agree.
    /// ST STM32F769I-DISCOVERY: its user USB port is OTG_HS with the external ULPI PHY, so high speed.
    /// </summary>
    public static class Stm32F769IDiscoveryBoard
    {
        public const string Name = "stm32f769i-discovery";

        public static BoardSettings Create()
        {
            BoardSettings b = new BoardSettings();
            b.Name = Name;
            b.FirmwareTarget = "ST_STM32F769I_DISCOVERY";
            b.Link = BoardLink.Native;
            b.Speed = UsbSpeed.High;
            b.VendorId = 0x1209;
            b.ProductId = 0x0001;
            b.DeviceRelease = 0x0100;
            b.ReferenceIdentity = false;
            b.Manufacturer = "HssDevice";
            b.Product = "HSS STM32F769I-DISCOVERY";
            b.SerialNumber = "";
            b.InterruptIntervalMicroseconds = 125;
            b.MaxPowerMilliamps = 100;
            b.Profile = HssUsbProfile.Vendor;
            b.CdcSubclass = 0xAB;
            b.DeviceInterfaceGuid = "{7ED00674-9D80-4A0C-BBC7-5810CD5AF500}";
            b.SendWindow = 32768;
            b.ReceiveBufferPerSocket = 32768;
            b.TotalReceiveBudget = 262144;
            b.MaxSockets = 8;
            b.MaxDataPayload = 8192;
            return b;
        }
    }
}
