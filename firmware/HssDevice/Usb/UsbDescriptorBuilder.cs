using System;

namespace HssDevice.Usb
{
    /// <summary>
    /// Builds, byte-exact, every descriptor an HSS device answers with: device, device qualifier, configuration and
    /// other-speed configuration (vendor or CDC profile), strings, BOS and the Microsoft OS 2.0 descriptor set.
    /// Layouts follow USB 2.0 chapter 9, the Interface Association Descriptor ECN, CDC 1.2 section 5.2.3 and
    /// Microsoft's "Microsoft OS 2.0 Descriptors Specification". docs/protocol.md section 12 fixes the interface.
    /// </summary>
    public sealed class UsbDescriptorBuilder
    {
        /// <summary>bcdUSB 2.10: 2.01 or later tells the host to read the BOS descriptor (USB 2.0 LPM ECN), which
        /// Windows needs to find the MS OS 2.0 descriptors.</summary>
        public const ushort UsbRelease = 0x0210;

        /// <summary>bcdCDC of the CDC Header functional descriptor: CDC 1.20.</summary>
        public const ushort CdcRelease = 0x0120;

        /// <summary>bMaxPacketSize0: 64 is the only value allowed at high speed (USB 2.0 section 5.5.3) and valid at full speed.</summary>
        public const byte ControlMaxPacket = 64;

        // Endpoint addresses: bit 7 is the direction (1 = IN), bits 3..0 the number (USB 2.0 section 9.6.6).
        public const byte BulkInAddress = 0x81;
        public const byte BulkOutAddress = 0x01;
        public const byte InterruptInAddress = 0x82;
        public const byte InterruptOutAddress = 0x02;

        public const int FullSpeedBulkMaxPacket = 64;
        public const int HighSpeedBulkMaxPacket = 512;
        public const int InterruptMaxPacket = 64;

        /// <summary>Interface triple of the vendor profile, as the reference host driver matches it.</summary>
        public const byte VendorInterfaceClass = 0xFF;
        public const byte VendorInterfaceSubclass = 0xAB;
        public const byte VendorInterfaceProtocol = 0x00;

        public const byte CommunicationsClass = 0x02;
        public const byte CdcDataClass = 0x0A;

        // String indexes; 0 is the language ID list (USB 2.0 section 9.6.7).
        public const byte ManufacturerStringIndex = 1;
        public const byte ProductStringIndex = 2;
        public const byte SerialNumberStringIndex = 3;
        public const byte InterfaceStringIndex = 4;

        /// <summary>English (United States), the one language of the string descriptors.</summary>
        public const ushort LanguageIdEnglishUs = 0x0409;

        public const string InterfaceName = "Host Socket Sharing";

        /// <summary>bRequest of the vendor request (bmRequestType 0xC0, wIndex 7) that reads the MS OS 2.0 set.</summary>
        public const byte MsOs20VendorCode = 0x01;

        /// <summary>wIndex of that request: MS_OS_20_DESCRIPTOR_INDEX.</summary>
        public const ushort MsOs20DescriptorIndex = 0x07;

        /// <summary>dwWindowsVersion: Windows 8.1, the first version that reads MS OS 2.0 descriptors.</summary>
        public const uint MsOs20WindowsVersion = 0x06030000;

        public const string WinUsbCompatibleId = "WINUSB";

        public const string DeviceInterfaceGuidsName = "DeviceInterfaceGUIDs";

        /// <summary>MS OS 2.0 platform capability UUID {D8DD60DF-4589-4CC7-9CD2-659D9E648A9F} in the byte order
        /// of a GUID in memory: the first three fields little-endian, the last eight bytes as written.</summary>
        private static readonly byte[] MsOs20PlatformUuid = new byte[]
        {
            0xDF, 0x60, 0xDD, 0xD8, 0x89, 0x45, 0xC7, 0x4C, 0x9C, 0xD2, 0x65, 0x9D, 0x9E, 0x64, 0x8A, 0x9F,
        };

        private readonly BoardSettings _board;
        private readonly HssUsbProfile _profile;

        /// <summary>Descriptors for <paramref name="board"/> in its own profile.</summary>
        public UsbDescriptorBuilder(BoardSettings board)
            : this(board, board == null ? HssUsbProfile.Vendor : board.Profile)
        {
        }

        /// <summary>Descriptors for <paramref name="board"/> in <paramref name="profile"/>; the settings are copied and checked.</summary>
        public UsbDescriptorBuilder(BoardSettings board, HssUsbProfile profile)
        {
            if (board == null)
            {
                throw new ArgumentNullException("board");
            }

            board.Validate();
            if (profile != HssUsbProfile.Vendor && profile != HssUsbProfile.Cdc)
            {
                throw new ArgumentException("profile must be vendor or cdc (a single-pipe board's firmware serves its own descriptors)");
            }

            _board = board.Clone();
            _profile = profile;
        }

        public HssUsbProfile Profile
        {
            get { return _profile; }
        }

        public BoardSettings Board
        {
            get { return _board.Clone(); }
        }

        /// <summary>True when the board can run at high speed, and so answers device qualifier and other-speed requests.</summary>
        public bool IsHighSpeedCapable
        {
            get { return _board.Speed == UsbSpeed.High; }
        }

        /// <summary>
        /// bInterval of the interrupt endpoints at full speed: whole frames of 1 ms, 1 to 255 (USB 2.0 section 9.6.6),
        /// rounded down; under 1 ms is 1, the fastest full speed polls.
        /// </summary>
        public static byte FullSpeedInterval(int microseconds)
        {
            CheckInterval(microseconds);
            int frames = microseconds / 1000;
            return (byte)(frames < 1 ? 1 : frames);
        }

        /// <summary>
        /// bInterval at high speed: the period is 2^(bInterval-1) microframes of 125 us (USB 2.0 section 9.6.6), so
        /// 125 us is 1 and 1 ms is 4. A period that is not a power of two is rounded down, so commands are never
        /// polled more slowly than the board asks.
        /// </summary>
        public static byte HighSpeedInterval(int microseconds)
        {
            CheckInterval(microseconds);
            int microframes = microseconds / 125;
            int exponent = 0;
            while ((2 << exponent) <= microframes)
            {
                exponent++;
            }

            return (byte)(exponent + 1);
        }

        /// <summary>Device descriptor, 18 bytes (USB 2.0 section 9.6.1, table 9-8).</summary>
        public byte[] BuildDeviceDescriptor()
        {
            DescriptorWriter w = new DescriptorWriter(18);
            w.Byte(18);
            w.Byte(UsbDescriptorType.Device);
            w.Word(UsbRelease);
            WriteDeviceClass(w);
            w.Byte(ControlMaxPacket);
            w.Word(_board.EffectiveVendorId);
            w.Word(_board.ProductId);
            w.Word(_board.DeviceRelease);
            w.Byte(StringIndexOrZero(_board.Manufacturer, ManufacturerStringIndex));
            w.Byte(StringIndexOrZero(_board.Product, ProductStringIndex));
            w.Byte(StringIndexOrZero(_board.SerialNumber, SerialNumberStringIndex));
            w.Byte(1); // bNumConfigurations
            return w.ToArray();
        }

        /// <summary>
        /// Device qualifier, 10 bytes (USB 2.0 section 9.6.2, table 9-9): how the device would look at its other speed.
        /// A full-speed-only device must answer this request with a request error (STALL), so this throws for it.
        /// </summary>
        public byte[] BuildDeviceQualifier()
        {
            RequireHighSpeedCapable("device qualifier");
            DescriptorWriter w = new DescriptorWriter(10);
            w.Byte(10);
            w.Byte(UsbDescriptorType.DeviceQualifier);
            w.Word(UsbRelease);
            WriteDeviceClass(w);
            w.Byte(ControlMaxPacket);
            w.Byte(1); // bNumConfigurations
            w.Byte(0); // bReserved
            return w.ToArray();
        }

        /// <summary>
        /// The configuration descriptor and everything under it (USB 2.0 section 9.6.3), as the device reports it while
        /// running at <paramref name="operatingSpeed"/>.
        /// </summary>
        public byte[] BuildConfiguration(UsbSpeed operatingSpeed)
        {
            CheckOperatingSpeed(operatingSpeed);
            return BuildConfiguration(UsbDescriptorType.Configuration, operatingSpeed);
        }

        /// <summary>
        /// Other-speed configuration (USB 2.0 section 9.6.4, table 9-11): the configuration at the speed the device is
        /// not running at, with bDescriptorType 7. Only high-speed capable devices have one.
        /// </summary>
        public byte[] BuildOtherSpeedConfiguration(UsbSpeed operatingSpeed)
        {
            RequireHighSpeedCapable("other-speed configuration");
            CheckOperatingSpeed(operatingSpeed);
            UsbSpeed other = operatingSpeed == UsbSpeed.High ? UsbSpeed.Full : UsbSpeed.High;
            return BuildConfiguration(UsbDescriptorType.OtherSpeedConfiguration, other);
        }

        /// <summary>
        /// String descriptor <paramref name="index"/> (USB 2.0 section 9.6.7): index 0 lists the language IDs (English
        /// US only); others are UTF-16LE text without terminator. Null for an index the device does not have (STALL).
        /// </summary>
        public byte[] BuildString(int index)
        {
            if (index == 0)
            {
                DescriptorWriter w = new DescriptorWriter(4);
                w.Byte(4);
                w.Byte(UsbDescriptorType.String);
                w.Word(LanguageIdEnglishUs);
                return w.ToArray();
            }

            string text = StringText(index);
            if (text == null || text.Length == 0)
            {
                return null;
            }

            int length = 2 + (2 * text.Length);
            DescriptorWriter s = new DescriptorWriter(length);
            s.Byte(length);
            s.Byte(UsbDescriptorType.String);
            s.Utf16(text);
            return s.ToArray();
        }

        /// <summary>
        /// BOS descriptor (USB 3.2 section 9.6.2; USB 2.0 LPM ECN) holding one platform capability, the MS OS 2.0 one
        /// (MS OS 2.0 spec table 4 and table 5: descriptor set information). No USB 2.0 Extension capability: the
        /// device does not claim Link Power Management, and hosts treat its absence as "no LPM".
        /// </summary>
        public byte[] BuildBos()
        {
            int msOsSetLength = BuildMsOs20DescriptorSet().Length;
            DescriptorWriter w = new DescriptorWriter(5 + 28);
            w.Byte(5);
            w.Byte(UsbDescriptorType.Bos);
            w.Word(5 + 28); // wTotalLength
            w.Byte(1); // bNumDeviceCaps

            w.Byte(28);
            w.Byte(UsbDescriptorType.DeviceCapability);
            w.Byte(0x05); // bDevCapabilityType: PLATFORM
            w.Byte(0); // bReserved
            w.Bytes(MsOs20PlatformUuid);
            w.DoubleWord(MsOs20WindowsVersion);
            w.Word(msOsSetLength); // wMSOSDescriptorSetTotalLength
            w.Byte(MsOs20VendorCode);
            w.Byte(0); // bAltEnumCode: no alternate enumeration
            return w.ToArray();
        }

        /// <summary>
        /// The MS OS 2.0 descriptor set (MS OS 2.0 spec section 9), returned for the vendor request
        /// <see cref="MsOs20VendorCode"/> with wIndex 7: compatible ID "WINUSB" and the registry property
        /// DeviceInterfaceGUIDs (REG_MULTI_SZ) so Windows binds WinUSB without an INF file.
        /// The vendor profile is a single-interface device: the features apply to the whole device and the set has
        /// no subset headers (the spec does not allow function subsets on a non-composite device). The CDC profile
        /// has two interfaces, so Windows loads the composite driver and enumerates the IAD function as one child:
        /// the features must then sit in a configuration subset (configuration index 0) and a function subset whose
        /// first interface is 0, or no driver is bound to the function.
        /// </summary>
        public byte[] BuildMsOs20DescriptorSet()
        {
            DescriptorWriter w = new DescriptorWriter(256);

            // Set header (table 10): wLength 10, wDescriptorType 0, dwWindowsVersion, wTotalLength.
            w.Word(10);
            w.Word(0x00);
            w.DoubleWord(MsOs20WindowsVersion);
            int setTotalAt = w.Position;
            w.Word(0);

            int configurationSubsetAt = -1;
            int functionSubsetAt = -1;
            if (_profile == HssUsbProfile.Cdc)
            {
                // Configuration subset header (table 11). Its bConfigurationValue field is read by Windows as the
                // configuration index, so it is 0 for the first (only) configuration, not bConfigurationValue 1.
                configurationSubsetAt = w.Position;
                w.Word(8);
                w.Word(0x01);
                w.Byte(0);
                w.Byte(0); // bReserved
                w.Word(0); // wTotalLength, patched below

                // Function subset header (table 12): the function starting at interface 0 (the IAD's first interface).
                functionSubsetAt = w.Position;
                w.Word(8);
                w.Word(0x02);
                w.Byte(0); // bFirstInterface
                w.Byte(0); // bReserved
                w.Word(0); // wSubsetLength, patched below
            }

            // Compatible ID (table 13): 8-byte ID and 8-byte sub-ID, ASCII padded with zeros.
            w.Word(20);
            w.Word(0x03);
            WriteAsciiPadded(w, WinUsbCompatibleId, 8);
            WriteAsciiPadded(w, "", 8);

            // Registry property (table 14): REG_MULTI_SZ is a list of NUL-terminated strings ended by one more NUL.
            int nameLength = 2 * (DeviceInterfaceGuidsName.Length + 1);
            int dataLength = 2 * (_board.DeviceInterfaceGuid.Length + 2);
            w.Word(10 + nameLength + dataLength);
            w.Word(0x04);
            w.Word(7); // wPropertyDataType: REG_MULTI_SZ
            w.Word(nameLength);
            w.Utf16(DeviceInterfaceGuidsName);
            w.Word(0);
            w.Word(dataLength);
            w.Utf16(_board.DeviceInterfaceGuid);
            w.Word(0);
            w.Word(0);

            int end = w.Position;
            w.PatchWord(setTotalAt, end);
            if (configurationSubsetAt >= 0)
            {
                w.PatchWord(configurationSubsetAt + 6, end - configurationSubsetAt);
                w.PatchWord(functionSubsetAt + 6, end - functionSubsetAt);
            }

            return w.ToArray();
        }

        /// <summary>
        /// The answer to GET_DESCRIPTOR(<paramref name="descriptorType"/>, <paramref name="index"/>) while running at
        /// <paramref name="operatingSpeed"/>; null where the device must answer with a request error (STALL).
        /// </summary>
        public byte[] GetDescriptor(byte descriptorType, byte index, UsbSpeed operatingSpeed)
        {
            switch (descriptorType)
            {
                case UsbDescriptorType.Device:
                    return BuildDeviceDescriptor();
                case UsbDescriptorType.Configuration:
                    return index == 0 ? BuildConfiguration(operatingSpeed) : null;
                case UsbDescriptorType.String:
                    return BuildString(index);
                case UsbDescriptorType.DeviceQualifier:
                    return IsHighSpeedCapable ? BuildDeviceQualifier() : null;
                case UsbDescriptorType.OtherSpeedConfiguration:
                    return IsHighSpeedCapable && index == 0 ? BuildOtherSpeedConfiguration(operatingSpeed) : null;
                case UsbDescriptorType.Bos:
                    return BuildBos();
                default:
                    return null;
            }
        }

        /// <summary>The text of string <paramref name="index"/>, or null when the device has no such string.</summary>
        public string StringText(int index)
        {
            switch (index)
            {
                case ManufacturerStringIndex:
                    return _board.Manufacturer;
                case ProductStringIndex:
                    return _board.Product;
                case SerialNumberStringIndex:
                    return _board.SerialNumber;
                case InterfaceStringIndex:
                    return InterfaceName;
                default:
                    return null;
            }
        }

        private byte[] BuildConfiguration(byte descriptorType, UsbSpeed speed)
        {
            int bulkMaxPacket = speed == UsbSpeed.High ? HighSpeedBulkMaxPacket : FullSpeedBulkMaxPacket;
            byte interval = speed == UsbSpeed.High
                ? HighSpeedInterval(_board.InterruptIntervalMicroseconds)
                : FullSpeedInterval(_board.InterruptIntervalMicroseconds);

            DescriptorWriter w = new DescriptorWriter(128);

            // Configuration (table 9-10); table 9-11 has the same layout with bDescriptorType 7.
            w.Byte(9);
            w.Byte(descriptorType);
            w.Word(0); // wTotalLength, patched below
            w.Byte(_profile == HssUsbProfile.Cdc ? 2 : 1); // bNumInterfaces
            w.Byte(1); // bConfigurationValue
            w.Byte(0); // iConfiguration
            w.Byte(0x80); // bmAttributes: D7 reserved and set to 1; bus-powered, no remote wakeup
            w.Byte(_board.MaxPowerMilliamps / 2); // bMaxPower in 2 mA units

            if (_profile == HssUsbProfile.Vendor)
            {
                WriteInterface(w, 0, 4, VendorInterfaceClass, VendorInterfaceSubclass, VendorInterfaceProtocol, InterfaceStringIndex);
                WriteEndpoint(w, BulkInAddress, 0x02, bulkMaxPacket, 0);
                WriteEndpoint(w, BulkOutAddress, 0x02, bulkMaxPacket, 0);
                WriteEndpoint(w, InterruptInAddress, 0x03, InterruptMaxPacket, interval);
                WriteEndpoint(w, InterruptOutAddress, 0x03, InterruptMaxPacket, interval);
            }
            else
            {
                // Interface Association Descriptor (IAD ECN table 9-Z): interfaces 0 and 1 are one CDC function.
                w.Byte(8);
                w.Byte(UsbDescriptorType.InterfaceAssociation);
                w.Byte(0); // bFirstInterface
                w.Byte(2); // bInterfaceCount
                w.Byte(CommunicationsClass);
                w.Byte(_board.CdcSubclass);
                w.Byte(0); // bFunctionProtocol
                w.Byte(InterfaceStringIndex); // iFunction

                // Communications interface (CDC 1.2 section 4.2, 4.3): class 0x02, no class-specific protocol.
                WriteInterface(w, 0, 2, CommunicationsClass, _board.CdcSubclass, 0x00, InterfaceStringIndex);

                // Header functional descriptor (CDC 1.2 section 5.2.3.1, table 15): subtype 0x00, bcdCDC.
                w.Byte(5);
                w.Byte(UsbDescriptorType.CsInterface);
                w.Byte(0x00);
                w.Word(CdcRelease);

                // Union functional descriptor (CDC 1.2 section 5.2.3.2, table 16): subtype 0x06, control interface 0,
                // subordinate (data) interface 1.
                w.Byte(5);
                w.Byte(UsbDescriptorType.CsInterface);
                w.Byte(0x06);
                w.Byte(0);
                w.Byte(1);

                WriteEndpoint(w, InterruptInAddress, 0x03, InterruptMaxPacket, interval);
                WriteEndpoint(w, InterruptOutAddress, 0x03, InterruptMaxPacket, interval);

                // Data interface (CDC 1.2 section 4.5, 4.6): class 0x0A, subclass and protocol 0.
                WriteInterface(w, 1, 2, CdcDataClass, 0x00, 0x00, 0);
                WriteEndpoint(w, BulkInAddress, 0x02, bulkMaxPacket, 0);
                WriteEndpoint(w, BulkOutAddress, 0x02, bulkMaxPacket, 0);
            }

            w.PatchWord(2, w.Position);
            return w.ToArray();
        }

        private void WriteDeviceClass(DescriptorWriter w)
        {
            if (_profile == HssUsbProfile.Cdc)
            {
                // Miscellaneous / Common Class / Interface Association: the device uses an IAD (IAD ECN section 2).
                w.Byte(0xEF);
                w.Byte(0x02);
                w.Byte(0x01);
            }
            else
            {
                // 0: each interface names its own class.
                w.Byte(0x00);
                w.Byte(0x00);
                w.Byte(0x00);
            }
        }

        /// <summary>Interface descriptor (USB 2.0 section 9.6.5, table 9-12), alternate setting 0.</summary>
        private static void WriteInterface(DescriptorWriter w, int number, int endpoints, int interfaceClass, int subclass, int protocol, int stringIndex)
        {
            w.Byte(9);
            w.Byte(UsbDescriptorType.Interface);
            w.Byte(number);
            w.Byte(0); // bAlternateSetting
            w.Byte(endpoints);
            w.Byte(interfaceClass);
            w.Byte(subclass);
            w.Byte(protocol);
            w.Byte(stringIndex);
        }

        /// <summary>
        /// Endpoint descriptor (USB 2.0 section 9.6.6, table 9-13). bmAttributes 0x02 bulk, 0x03 interrupt. Bulk
        /// endpoints get bInterval 0: ignored at full speed, "never NAKs" for high-speed bulk OUT.
        /// </summary>
        private static void WriteEndpoint(DescriptorWriter w, int address, int attributes, int maxPacket, int interval)
        {
            w.Byte(7);
            w.Byte(UsbDescriptorType.Endpoint);
            w.Byte(address);
            w.Byte(attributes);
            w.Word(maxPacket);
            w.Byte(interval);
        }

        private static void WriteAsciiPadded(DescriptorWriter w, string text, int length)
        {
            for (int i = 0; i < length; i++)
            {
                w.Byte(i < text.Length ? text[i] : 0);
            }
        }

        private static int StringIndexOrZero(string text, int index)
        {
            return text == null || text.Length == 0 ? 0 : index;
        }

        private void RequireHighSpeedCapable(string what)
        {
            if (!IsHighSpeedCapable)
            {
                throw new InvalidOperationException("board " + _board.Name + " is full-speed only: it has no " + what + " (USB 2.0 section 9.6.2)");
            }
        }

        private void CheckOperatingSpeed(UsbSpeed operatingSpeed)
        {
            if (operatingSpeed != UsbSpeed.Full && operatingSpeed != UsbSpeed.High)
            {
                throw new ArgumentException("operating speed must be full or high");
            }

            if (operatingSpeed == UsbSpeed.High && !IsHighSpeedCapable)
            {
                throw new ArgumentException("board " + _board.Name + " is full-speed only: it cannot run at high speed");
            }
        }

        private static void CheckInterval(int microseconds)
        {
            if (microseconds < BoardSettings.MinInterruptIntervalMicroseconds || microseconds > BoardSettings.MaxInterruptIntervalMicroseconds)
            {
                throw new ArgumentOutOfRangeException("microseconds", "interrupt interval must be 125 to 255000 microseconds");
            }
        }
    }
}
