namespace HssDevice.Usb.Boards
{
    /// <summary>
    /// C# twin of boards/esp32-s3.json (the firmware cannot read JSON); BoardTwinTests checks that they agree.
    /// ESP32-S3: USB OTG full speed only (internal PHY), nanoFramework target ESP32_S3.
    /// </summary>
    public static class Esp32S3Board
    {
        public const string Name = "esp32-s3";

        public static BoardSettings Create()
        {
            BoardSettings b = new BoardSettings();
            b.Name = Name;
            b.FirmwareTarget = "ESP32_S3";
            b.Link = BoardLink.Native;
            b.Speed = UsbSpeed.Full;
            b.VendorId = 0x1209;
            b.ProductId = 0x0001;
            b.DeviceRelease = 0x0100;
            b.ReferenceIdentity = false;
            b.Manufacturer = "HssDevice";
            b.Product = "HSS ESP32-S3";
            b.SerialNumber = "";
            b.InterruptIntervalMicroseconds = 1000;
            b.MaxPowerMilliamps = 100;
            b.Profile = HssUsbProfile.Vendor;
            b.CdcSubclass = 0xAB;
            b.DeviceInterfaceGuid = "{7ED00674-9D80-4A0C-BBC7-5810CD5AF500}";
            b.SendWindow = 8192;
            b.ReceiveBufferPerSocket = 8192;
            b.TotalReceiveBudget = 32768;
            b.MaxSockets = 4;
            b.MaxDataPayload = 2048;
            return b;
        }
    }
}
