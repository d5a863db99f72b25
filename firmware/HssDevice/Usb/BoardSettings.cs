using System;
using HssDevice.Wire;

namespace HssDevice.Usb
{
    /// <summary>
    /// What one board needs to know: its USB identity and speed, and the windows and memory budgets of the engine.
    /// Each board has a JSON file in boards/ (read by the host tool) and a C# twin in Usb/Boards (read by the
    /// firmware, which cannot parse JSON); a host test checks that the two agree.
    /// The budgets use the engine's names and rules (HssEngineSettings); the application copies them into the
    /// engine's settings, as Usb may not depend on Engine.
    /// </summary>
    public class BoardSettings
    {
        /// <summary>pid.codes' vendor ID: open to open-source projects, with test product IDs 0x0001-0x0010.</summary>
        public const ushort TestVendorId = 0x1209;

        /// <summary>
        /// Xaptum's vendor ID, which the reference host driver matches. Used only when <see cref="ReferenceIdentity"/>
        /// is chosen, so that no board claims it by accident.
        /// </summary>
        public const ushort ReferenceVendorId = 0x2FE0;

        /// <summary>The name `hss --board` takes and the file name in boards/ (without .json).</summary>
        public string Name { get; set; }

        /// <summary>nanoFramework firmware target (nanoff --target), e.g. ESP32_S3.</summary>
        public string FirmwareTarget { get; set; }

        /// <summary>Which link the board application opens: the native USB function or stock firmware's UsbStream.</summary>
        public BoardLink Link { get; set; }

        /// <summary>The fastest speed the board's USB port runs at.</summary>
        public UsbSpeed Speed { get; set; }

        public ushort VendorId { get; set; }

        public ushort ProductId { get; set; }

        /// <summary>bcdDevice, e.g. 0x0100 for release 1.00.</summary>
        public ushort DeviceRelease { get; set; }

        /// <summary>
        /// When true the device reports <see cref="ReferenceVendorId"/> instead of <see cref="VendorId"/>, so that the
        /// reference Linux host driver binds to it (it matches vendor ID and the interface triple, any product ID).
        /// </summary>
        public bool ReferenceIdentity { get; set; }

        public string Manufacturer { get; set; }

        public string Product { get; set; }

        /// <summary>Empty: no serial number string (iSerialNumber 0). Set it at start-up from a chip ID where one is readable.</summary>
        public string SerialNumber { get; set; }

        /// <summary>
        /// Polling interval of the interrupt (command) pair in microseconds, 125 to 255000 (docs/protocol.md section 12).
        /// Every TRANSMIT is answered on this pair, so it bounds ACKs per second: 125 (one microframe) suits high speed;
        /// full speed polls at most once per 1 ms frame, so anything under 1000 runs there as 1000.
        /// </summary>
        public int InterruptIntervalMicroseconds { get; set; }

        public const int MinInterruptIntervalMicroseconds = 125;

        public const int MaxInterruptIntervalMicroseconds = 255000;

        /// <summary>Current drawn from the bus, 0 to 500 mA, reported in 2 mA units (USB 2.0 section 9.6.3).</summary>
        public int MaxPowerMilliamps { get; set; }

        /// <summary>Default descriptor profile of the board.</summary>
        public HssUsbProfile Profile { get; set; }

        /// <summary>
        /// bInterfaceSubClass of the CDC profile's communications interface (CDC 1.2 assigns HSS no code). Only the
        /// vendor-specific range <see cref="CdcVendorSubclassFirst"/> to <see cref="CdcVendorSubclassLast"/> is accepted:
        /// host class drivers match the communications class by subclass (Linux binds cdc_acm to 0x02 at once, even
        /// with the extra interrupt OUT endpoint, and sends SET_LINE_CODING), so only the subclass keeps them away.
        /// </summary>
        public byte CdcSubclass { get; set; }

        /// <summary>CDC 1.2 table 4: 0x00 reserved, 0x01-0x0E CDC's own models (ACM, ECM, NCM, MBIM...),
        /// 0x0F-0x7F reserved for future models, 0x80-0xFE vendor specific: the only codes no class driver claims.</summary>
        public const byte CdcVendorSubclassFirst = 0x80;

        public const byte CdcVendorSubclassLast = 0xFE;

        /// <summary>Device interface GUID Windows registers for WinUSB (MS OS 2.0 DeviceInterfaceGUIDs), in braces.</summary>
        public string DeviceInterfaceGuid { get; set; }

        /// <summary>Unacknowledged TRANSMIT bytes the device keeps in flight per socket (docs/protocol.md section 6).</summary>
        public int SendWindow { get; set; }

        /// <summary>Receive buffer of one socket in bytes.</summary>
        public int ReceiveBufferPerSocket { get; set; }

        /// <summary>Receive bytes held over all sockets before the device stops reading the bulk pipe.</summary>
        public int TotalReceiveBudget { get; set; }

        public int MaxSockets { get; set; }

        /// <summary>Largest TRANSMIT payload the device accepts (docs/protocol.md section 11).</summary>
        public int MaxDataPayload { get; set; }

        /// <summary>The vendor ID the device reports.</summary>
        public ushort EffectiveVendorId
        {
            get { return ReferenceIdentity ? ReferenceVendorId : VendorId; }
        }

        /// <summary>Throws ArgumentException naming the first setting that cannot be put into descriptors or budgets.</summary>
        public void Validate()
        {
            if (Name == null || Name.Length == 0)
            {
                throw new ArgumentException("board name is empty");
            }

            if (!ReferenceIdentity && VendorId == ReferenceVendorId)
            {
                throw new ArgumentException("vendor ID 0x2FE0 is Xaptum's: choose the reference identity explicitly to use it");
            }

            if (Link != BoardLink.Native && Link != BoardLink.UsbStream)
            {
                throw new ArgumentException("link must be native or usbstream");
            }

            if (Speed != UsbSpeed.Full && Speed != UsbSpeed.High)
            {
                throw new ArgumentException("USB speed must be full or high");
            }

            if (Profile != HssUsbProfile.Vendor && Profile != HssUsbProfile.Cdc && Profile != HssUsbProfile.SinglePipe)
            {
                throw new ArgumentException("profile must be vendor, cdc or single-pipe");
            }

            // UsbStream serves the firmware's descriptors with one bulk pair; the native function serves ours.
            if ((Link == BoardLink.UsbStream) != (Profile == HssUsbProfile.SinglePipe))
            {
                throw new ArgumentException("profile single-pipe goes with link usbstream, and only with it (the native link serves the vendor or cdc profile)");
            }

            if (Link == BoardLink.UsbStream && Speed != UsbSpeed.Full)
            {
                throw new ArgumentException("link usbstream runs at full speed only (its bulk endpoints are 64 bytes)");
            }

            if (CdcSubclass < CdcVendorSubclassFirst || CdcSubclass > CdcVendorSubclassLast)
            {
                throw new ArgumentException("CDC subclass " + Hex2(CdcSubclass) + " is one host class drivers claim or may claim (CDC 1.2: "
                    + "0x01-0x0E are its models, e.g. 0x02 ACM binds Linux cdc_acm and Windows usbser; 0x00-0x7F reserved): "
                    + "use the vendor-specific range 0x80-0xFE, e.g. 0xAB");
            }

            CheckString(Manufacturer, "manufacturer");
            CheckString(Product, "product");
            CheckString(SerialNumber, "serial number");
            CheckRange(InterruptIntervalMicroseconds, MinInterruptIntervalMicroseconds, MaxInterruptIntervalMicroseconds, "interrupt interval (microseconds)");
            CheckRange(MaxPowerMilliamps, 0, 500, "max power (mA)");
            if (!IsBracedGuid(DeviceInterfaceGuid))
            {
                throw new ArgumentException("device interface GUID must look like {01234567-89AB-CDEF-0123-456789ABCDEF}");
            }

            CheckRange(MaxDataPayload, HssLayout.MaxCommandPayload, 0x7FFFFFFF, "max data payload");
            CheckRange(SendWindow, MaxDataPayload, 0x7FFFFFFF, "send window (at least max data payload)");
            CheckRange(ReceiveBufferPerSocket, MaxDataPayload, 0x7FFFFFFF, "receive buffer per socket (at least max data payload)");
            CheckRange(TotalReceiveBudget, ReceiveBufferPerSocket, 0x7FFFFFFF, "total receive budget (at least one socket's buffer)");
            CheckRange(MaxSockets, 1, 0xFFFF, "max sockets");
        }

        public BoardSettings Clone()
        {
            return (BoardSettings)MemberwiseClone();
        }

        /// <summary>A string descriptor holds at most 126 UTF-16 code units (bLength is one byte: 2 + 2n at most 254).</summary>
        public const int MaxStringLength = 126;

        private static void CheckString(string value, string what)
        {
            if (value == null)
            {
                throw new ArgumentException(what + " is missing (use an empty string for none)");
            }

            if (value.Length > MaxStringLength)
            {
                throw new ArgumentException(what + " is longer than " + MaxStringLength + " characters");
            }
        }

        private static void CheckRange(int value, int min, int max, string what)
        {
            if (value < min || value > max)
            {
                throw new ArgumentException(what + " is " + value + ", must be " + min + " to " + max);
            }
        }

        private static bool IsBracedGuid(string text)
        {
            // {8-4-4-4-12} hex digits, as Windows writes DeviceInterfaceGUIDs.
            if (text == null || text.Length != 38 || text[0] != '{' || text[37] != '}')
            {
                return false;
            }

            for (int i = 1; i < 37; i++)
            {
                char c = text[i];
                bool dash = i == 9 || i == 14 || i == 19 || i == 24;
                if (dash ? c != '-' : !IsHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Hex2(int value)
        {
            const string Digits = "0123456789ABCDEF";
            return "0x" + Digits[(value >> 4) & 0xF] + Digits[value & 0xF];
        }

        private static bool IsHexDigit(char c)
        {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
    }
}
