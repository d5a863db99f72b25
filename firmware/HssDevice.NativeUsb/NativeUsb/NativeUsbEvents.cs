namespace HssDevice.Transport.NativeUsb
{
    /// <summary>The wake mask's flags: HSS_USB_EVENT_* of hss_usb.h, same values.</summary>
    public static class NativeUsbEvents
    {
        public const int CommandReadable = 0x01;
        public const int DataReadable = 0x02;
        public const int CommandWritable = 0x04;
        public const int DataWritable = 0x08;
        public const int LinkChanged = 0x10;
    }
}
