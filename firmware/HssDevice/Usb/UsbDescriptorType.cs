namespace HssDevice.Usb
{
    /// <summary>Descriptor type codes (USB 2.0 table 9-5; IAD ECN; USB 3.2 table 9-6 for BOS; CDC 1.2 table 12).</summary>
    public static class UsbDescriptorType
    {
        public const byte Device = 0x01;
        public const byte Configuration = 0x02;
        public const byte String = 0x03;
        public const byte Interface = 0x04;
        public const byte Endpoint = 0x05;
        public const byte DeviceQualifier = 0x06;
        public const byte OtherSpeedConfiguration = 0x07;
        public const byte InterfaceAssociation = 0x0B;
        public const byte Bos = 0x0F;
        public const byte DeviceCapability = 0x10;

        /// <summary>CDC class-specific interface descriptor (CDC 1.2 table 12).</summary>
        public const byte CsInterface = 0x24;
    }
}
