namespace HssDevice.Usb
{
    /// <summary>How the HSS interface is presented in the configuration descriptor (docs/protocol.md section 12).</summary>
    public enum HssUsbProfile
    {
        /// <summary>One vendor-specific interface 0xFF/0xAB/0x00 with all four endpoints, as the reference host expects.</summary>
        Vendor = 0,

        /// <summary>
        /// A CDC function: Interface Association Descriptor, a communications interface (class 0x02) with the
        /// interrupt pair, and a data interface (class 0x0A) with the bulk pair.
        /// </summary>
        Cdc = 1,

        /// <summary>
        /// No descriptors of this project: the firmware's own (stock nanoFramework's UsbStream, one bulk pair) carry
        /// commands and data on one pipe (docs/protocol.md section 3). Only with <see cref="BoardLink.UsbStream"/>.
        /// </summary>
        SinglePipe = 2,
    }
}
