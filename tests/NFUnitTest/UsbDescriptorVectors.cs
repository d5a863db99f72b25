namespace HssDevice.Tests.Device
{
    /// <summary>
    /// Descriptor bytes written out by hand from the spec layouts (USB 2.0 9.6, IAD ECN, CDC 1.2 5.2.3, MS OS 2.0
    /// tables 4-14), field by field, for the boards in boards/. The host tests run the same bytes through an
    /// independent parser.
    /// </summary>
    public static class UsbDescriptorVectors
    {
        // Device (9.6.1): bLength 18, type 1, bcdUSB 2.10, class 0/0/0, ep0 64, VID 1209, PID 0001, bcdDevice 1.00,
        // strings 1 2 0 (no serial), 1 configuration.
        public const string VendorDevice = "12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00 01";

        // Same with class EF/02/01 (IAD device).
        public const string CdcDevice = "12 01 10 02 ef 02 01 40 09 12 01 00 00 01 01 02 00 01";

        // Device qualifier (9.6.2): bLength 10, type 6, bcdUSB 2.10, class, ep0 64, 1 configuration, reserved.
        public const string VendorQualifier = "0a 06 10 02 00 00 00 40 01 00";
        public const string CdcQualifier = "0a 06 10 02 ef 02 01 40 01 00";

        // Vendor profile, full speed: configuration (total 46, 1 interface, value 1, no string, bus-powered, 100 mA),
        // interface 0 alt 0 with 4 endpoints FF/AB/00 string 4, bulk IN 81 / OUT 01 of 64 bytes, interrupt IN 82 /
        // OUT 02 of 64 bytes every 1 ms (bInterval 1).
        public const string VendorFullSpeedBody =
            "2e 00 01 01 00 80 32 " +
            "09 04 00 00 04 ff ab 00 04 " +
            "07 05 81 02 40 00 00 " +
            "07 05 01 02 40 00 00 " +
            "07 05 82 03 40 00 01 " +
            "07 05 02 03 40 00 01";

        // Vendor profile, high speed: bulk 512 (00 02), interrupt bInterval 1 (2^0 microframes = 125 us, the
        // stm32f769i-discovery board's interval).
        public const string VendorHighSpeedBody =
            "2e 00 01 01 00 80 32 " +
            "09 04 00 00 04 ff ab 00 04 " +
            "07 05 81 02 00 02 00 " +
            "07 05 01 02 00 02 00 " +
            "07 05 82 03 40 00 01 " +
            "07 05 02 03 40 00 01";

        // CDC profile, full speed: configuration (total 73, 2 interfaces), IAD (first 0, count 2, 02/AB/00, string 4),
        // communications interface 0 (2 endpoints, 02/AB/00, string 4), Header (CS_INTERFACE 24, subtype 00,
        // bcdCDC 1.20), Union (subtype 06, control 0, subordinate 1), interrupt IN/OUT, data interface 1
        // (2 endpoints, 0A/00/00), bulk IN/OUT.
        public const string CdcFullSpeedBody =
            "49 00 02 01 00 80 32 " +
            "08 0b 00 02 02 ab 00 04 " +
            "09 04 00 00 02 02 ab 00 04 " +
            "05 24 00 20 01 " +
            "05 24 06 00 01 " +
            "07 05 82 03 40 00 01 " +
            "07 05 02 03 40 00 01 " +
            "09 04 01 00 02 0a 00 00 00 " +
            "07 05 81 02 40 00 00 " +
            "07 05 01 02 40 00 00";

        // CDC profile, high speed: as above with bulk 512 and interrupt bInterval 1 (125 us).
        public const string CdcHighSpeedBody =
            "49 00 02 01 00 80 32 " +
            "08 0b 00 02 02 ab 00 04 " +
            "09 04 00 00 02 02 ab 00 04 " +
            "05 24 00 20 01 " +
            "05 24 06 00 01 " +
            "07 05 82 03 40 00 01 " +
            "07 05 02 03 40 00 01 " +
            "09 04 01 00 02 0a 00 00 00 " +
            "07 05 81 02 00 02 00 " +
            "07 05 01 02 00 02 00";

        // A configuration is "09 02" + body; an other-speed configuration (9.6.4) is "09 07" + body.
        public const string ConfigurationHead = "09 02 ";
        public const string OtherSpeedHead = "09 07 ";

        // Strings (9.6.7): language IDs (0409), then UTF-16LE text.
        public const string LanguageIds = "04 03 09 04";
        public const string ManufacturerHssDevice = "14 03 48 00 73 00 73 00 44 00 65 00 76 00 69 00 63 00 65 00";
        public const string ProductEsp32S3 = "1a 03 48 00 53 00 53 00 20 00 45 00 53 00 50 00 33 00 32 00 2d 00 53 00 33 00";
        public const string ProductStm32F769 =
            "32 03 48 00 53 00 53 00 20 00 53 00 54 00 4d 00 33 00 32 00 46 00 37 00 36 00 39 00 49 00 2d 00 " +
            "44 00 49 00 53 00 43 00 4f 00 56 00 45 00 52 00 59 00";
        public const string InterfaceName =
            "28 03 48 00 6f 00 73 00 74 00 20 00 53 00 6f 00 63 00 6b 00 65 00 74 00 20 00 53 00 68 00 61 00 72 00 69 00 6e 00 67 00";

        // BOS: bLength 5, type 0F, total 33, 1 capability; platform capability (28 bytes, type 10, PLATFORM 05,
        // reserved, UUID D8DD60DF-4589-4CC7-9CD2-659D9E648A9F in GUID byte order, Windows 0x06030000, set length,
        // vendor code 01, no alternate enumeration).
        public const string BosHead = "05 0f 21 00 01 1c 10 05 00 df 60 dd d8 89 45 c7 4c 9c d2 65 9d 9e 64 8a 9f 00 00 03 06 ";
        public const string VendorBos = BosHead + "a2 00 01 00";
        public const string CdcBos = BosHead + "b2 00 01 00";

        // MS OS 2.0 features: compatible ID (20 bytes, type 3, "WINUSB" padded to 8, empty sub-ID), registry property
        // (132 bytes, type 4, REG_MULTI_SZ 7, name length 42 "DeviceInterfaceGUIDs\0", data length 80
        // "{7ED00674-9D80-4A0C-BBC7-5810CD5AF500}\0\0").
        public const string MsOsFeatures =
            "14 00 03 00 57 49 4e 55 53 42 00 00 00 00 00 00 00 00 00 00 " +
            "84 00 04 00 07 00 2a 00 " +
            "44 00 65 00 76 00 69 00 63 00 65 00 49 00 6e 00 74 00 65 00 72 00 66 00 61 00 63 00 65 00 47 00 55 00 49 00 44 00 73 00 00 00 " +
            "50 00 " +
            "7b 00 37 00 45 00 44 00 30 00 30 00 36 00 37 00 34 00 2d 00 39 00 44 00 38 00 30 00 2d 00 34 00 41 00 30 00 43 00 2d 00 " +
            "42 00 42 00 43 00 37 00 2d 00 35 00 38 00 31 00 30 00 43 00 44 00 35 00 41 00 46 00 35 00 30 00 30 00 7d 00 00 00 00 00";

        // Vendor set: header (10 bytes, type 0, Windows 0x06030000, total 162) and the features.
        public const string VendorMsOsSet = "0a 00 00 00 00 00 03 06 a2 00 " + MsOsFeatures;

        // CDC set: header (total 178), configuration subset (8 bytes, type 1, configuration index 0, total 168),
        // function subset (8 bytes, type 2, first interface 0, length 160), the features.
        public const string CdcMsOsSet = "0a 00 00 00 00 00 03 06 b2 00 08 00 01 00 00 00 a8 00 08 00 02 00 00 00 a0 00 " + MsOsFeatures;
    }
}
