using System;
using HssDevice.Engine;
using HssDevice.Usb;
using HssDevice.Usb.Boards;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Pins the descriptor bytes of every board, profile and speed (vectors in UsbDescriptorVectors).</summary>
    [TestClass]
    public class UsbDescriptorTests
    {
        private static void AssertDescriptor(string expectedHex, byte[] actual)
        {
            Assert.IsNotNull(actual);
            Hex.AssertBytes(expectedHex, actual, 0, actual.Length);
        }

        private static UsbDescriptorBuilder Builder(string board, HssUsbProfile profile)
        {
            return new UsbDescriptorBuilder(BoardCatalog.Create(board), profile);
        }

        [TestMethod]
        public void Esp32S3_vendor_descriptors_at_full_speed_match_the_vectors()
        {
            UsbDescriptorBuilder b = Builder("esp32-s3", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.VendorDevice, b.BuildDeviceDescriptor());
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.VendorFullSpeedBody, b.BuildConfiguration(UsbSpeed.Full));
            AssertDescriptor(UsbDescriptorVectors.VendorBos, b.BuildBos());
            AssertDescriptor(UsbDescriptorVectors.VendorMsOsSet, b.BuildMsOs20DescriptorSet());
        }

        [TestMethod]
        public void Esp32S3_cdc_descriptors_at_full_speed_match_the_vectors()
        {
            UsbDescriptorBuilder b = Builder("esp32-s3", HssUsbProfile.Cdc);
            AssertDescriptor(UsbDescriptorVectors.CdcDevice, b.BuildDeviceDescriptor());
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.CdcFullSpeedBody, b.BuildConfiguration(UsbSpeed.Full));
            AssertDescriptor(UsbDescriptorVectors.CdcBos, b.BuildBos());
            AssertDescriptor(UsbDescriptorVectors.CdcMsOsSet, b.BuildMsOs20DescriptorSet());
        }

        [TestMethod]
        public void Esp32S3_strings_match_the_vectors_and_have_no_serial_number()
        {
            UsbDescriptorBuilder b = Builder("esp32-s3", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.LanguageIds, b.BuildString(0));
            AssertDescriptor(UsbDescriptorVectors.ManufacturerHssDevice, b.BuildString(1));
            AssertDescriptor(UsbDescriptorVectors.ProductEsp32S3, b.BuildString(2));
            Assert.IsNull(b.BuildString(3), "no serial number string");
            AssertDescriptor(UsbDescriptorVectors.InterfaceName, b.BuildString(4));
            Assert.IsNull(b.BuildString(5));
        }

        [TestMethod]
        public void Esp32S3_is_full_speed_only_and_stalls_qualifier_and_other_speed()
        {
            UsbDescriptorBuilder b = Builder("esp32-s3", HssUsbProfile.Vendor);
            Assert.IsFalse(b.IsHighSpeedCapable);
            Assert.IsNull(b.GetDescriptor(UsbDescriptorType.DeviceQualifier, 0, UsbSpeed.Full));
            Assert.IsNull(b.GetDescriptor(UsbDescriptorType.OtherSpeedConfiguration, 0, UsbSpeed.Full));
            Assert.ThrowsException(typeof(InvalidOperationException), () => b.BuildDeviceQualifier());
            Assert.ThrowsException(typeof(ArgumentException), () => b.BuildConfiguration(UsbSpeed.High));
        }

        [TestMethod]
        public void Stm32F769_vendor_descriptors_at_high_speed_match_the_vectors()
        {
            UsbDescriptorBuilder b = Builder("stm32f769i-discovery", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.VendorDevice, b.BuildDeviceDescriptor());
            AssertDescriptor(UsbDescriptorVectors.VendorQualifier, b.BuildDeviceQualifier());
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.VendorHighSpeedBody, b.BuildConfiguration(UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.OtherSpeedHead + UsbDescriptorVectors.VendorFullSpeedBody, b.BuildOtherSpeedConfiguration(UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.VendorBos, b.BuildBos());
            AssertDescriptor(UsbDescriptorVectors.VendorMsOsSet, b.BuildMsOs20DescriptorSet());
        }

        [TestMethod]
        public void Stm32F769_vendor_at_full_speed_describes_high_speed_as_the_other_speed()
        {
            UsbDescriptorBuilder b = Builder("stm32f769i-discovery", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.VendorFullSpeedBody, b.BuildConfiguration(UsbSpeed.Full));
            AssertDescriptor(UsbDescriptorVectors.OtherSpeedHead + UsbDescriptorVectors.VendorHighSpeedBody, b.BuildOtherSpeedConfiguration(UsbSpeed.Full));
        }

        [TestMethod]
        public void Stm32F769_cdc_descriptors_match_the_vectors_at_both_speeds()
        {
            UsbDescriptorBuilder b = Builder("stm32f769i-discovery", HssUsbProfile.Cdc);
            AssertDescriptor(UsbDescriptorVectors.CdcDevice, b.BuildDeviceDescriptor());
            AssertDescriptor(UsbDescriptorVectors.CdcQualifier, b.BuildDeviceQualifier());
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.CdcHighSpeedBody, b.BuildConfiguration(UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.OtherSpeedHead + UsbDescriptorVectors.CdcFullSpeedBody, b.BuildOtherSpeedConfiguration(UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.CdcFullSpeedBody, b.BuildConfiguration(UsbSpeed.Full));
            AssertDescriptor(UsbDescriptorVectors.OtherSpeedHead + UsbDescriptorVectors.CdcHighSpeedBody, b.BuildOtherSpeedConfiguration(UsbSpeed.Full));
            AssertDescriptor(UsbDescriptorVectors.CdcBos, b.BuildBos());
            AssertDescriptor(UsbDescriptorVectors.CdcMsOsSet, b.BuildMsOs20DescriptorSet());
        }

        [TestMethod]
        public void Stm32F769_strings_name_the_board()
        {
            UsbDescriptorBuilder b = Builder("stm32f769i-discovery", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.ManufacturerHssDevice, b.BuildString(1));
            AssertDescriptor(UsbDescriptorVectors.ProductStm32F769, b.BuildString(2));
        }

        [TestMethod]
        public void Get_descriptor_answers_each_request_type()
        {
            UsbDescriptorBuilder b = Builder("stm32f769i-discovery", HssUsbProfile.Vendor);
            AssertDescriptor(UsbDescriptorVectors.VendorDevice, b.GetDescriptor(UsbDescriptorType.Device, 0, UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.ConfigurationHead + UsbDescriptorVectors.VendorHighSpeedBody, b.GetDescriptor(UsbDescriptorType.Configuration, 0, UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.VendorQualifier, b.GetDescriptor(UsbDescriptorType.DeviceQualifier, 0, UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.LanguageIds, b.GetDescriptor(UsbDescriptorType.String, 0, UsbSpeed.High));
            AssertDescriptor(UsbDescriptorVectors.VendorBos, b.GetDescriptor(UsbDescriptorType.Bos, 0, UsbSpeed.High));
            Assert.IsNull(b.GetDescriptor(UsbDescriptorType.Configuration, 1, UsbSpeed.High), "only configuration index 0");
            Assert.IsNull(b.GetDescriptor(0x21, 0, UsbSpeed.High), "HID descriptor: not ours");
        }

        [TestMethod]
        public void A_serial_number_set_on_the_board_becomes_string_3()
        {
            BoardSettings board = BoardCatalog.Create("esp32-s3");
            board.SerialNumber = "A1";
            UsbDescriptorBuilder b = new UsbDescriptorBuilder(board);
            AssertDescriptor("12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 03 01", b.BuildDeviceDescriptor());
            AssertDescriptor("06 03 41 00 31 00", b.BuildString(3));
        }

        [TestMethod]
        public void Reference_identity_reports_xaptum_vendor_id()
        {
            BoardSettings board = BoardCatalog.Create("esp32-s3");
            board.ReferenceIdentity = true;
            AssertDescriptor("12 01 10 02 00 00 00 40 e0 2f 01 00 00 01 01 02 00 01", new UsbDescriptorBuilder(board).BuildDeviceDescriptor());
        }

        [TestMethod]
        public void Cdc_subclass_must_be_vendor_specific_so_no_class_driver_binds()
        {
            // Linux binds cdc_acm to subclass 0x02 at once, interrupt OUT endpoint or not (docs/decisions.md).
            byte[] claimed = new byte[] { 0x00, 0x02, 0x06, 0x0D, 0x7F, 0xFF };
            for (int i = 0; i < claimed.Length; i++)
            {
                BoardSettings board = BoardCatalog.Create("esp32-s3");
                board.CdcSubclass = claimed[i];
                Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board, HssUsbProfile.Cdc));
            }

            BoardSettings vendor = BoardCatalog.Create("esp32-s3");
            vendor.CdcSubclass = 0x80;
            Assert.AreEqual(0x80, (int)new UsbDescriptorBuilder(vendor, HssUsbProfile.Cdc).Board.CdcSubclass);
        }

        [TestMethod]
        public void Xaptum_vendor_id_needs_the_reference_identity()
        {
            BoardSettings board = BoardCatalog.Create("esp32-s3");
            board.VendorId = 0x2FE0;
            Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board));
        }

        [TestMethod]
        public void Interrupt_interval_and_max_power_come_from_the_board()
        {
            BoardSettings board = BoardCatalog.Create("stm32f769i-discovery");
            board.InterruptIntervalMicroseconds = 10000;
            board.MaxPowerMilliamps = 500;
            UsbDescriptorBuilder b = new UsbDescriptorBuilder(board);
            byte[] high = b.BuildConfiguration(UsbSpeed.High);
            byte[] full = b.BuildConfiguration(UsbSpeed.Full);
            Assert.AreEqual((byte)250, high[8], "bMaxPower in 2 mA units");
            Assert.AreEqual((byte)7, high[9 + 9 + 21 + 6], "10 ms at high speed rounds down to 2^6 microframes");
            Assert.AreEqual((byte)10, full[9 + 9 + 21 + 6], "10 frames at full speed");
        }

        [TestMethod]
        [DataRow(125, 1)]
        [DataRow(249, 1)]
        [DataRow(250, 2)]
        [DataRow(500, 3)]
        [DataRow(1000, 4)]
        [DataRow(2000, 5)]
        [DataRow(3000, 5)]
        [DataRow(4000, 6)]
        [DataRow(8000, 7)]
        [DataRow(16000, 8)]
        [DataRow(255000, 11)]
        public void High_speed_interval_is_log2_of_microframes_plus_one(int microseconds, int expected)
        {
            Assert.AreEqual((byte)expected, UsbDescriptorBuilder.HighSpeedInterval(microseconds));
        }

        [TestMethod]
        [DataRow(125, 1)]
        [DataRow(999, 1)]
        [DataRow(1000, 1)]
        [DataRow(1999, 1)]
        [DataRow(10000, 10)]
        [DataRow(255000, 255)]
        public void Full_speed_interval_is_whole_frames_at_least_one(int microseconds, int expected)
        {
            Assert.AreEqual((byte)expected, UsbDescriptorBuilder.FullSpeedInterval(microseconds));
        }

        [TestMethod]
        public void Bad_settings_are_rejected_with_argument_exception()
        {
            BoardSettings board = BoardCatalog.Create("esp32-s3");
            board.InterruptIntervalMicroseconds = 124;
            Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board));

            board = BoardCatalog.Create("esp32-s3");
            board.Product = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456";
            Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board));

            board = BoardCatalog.Create("esp32-s3");
            board.DeviceInterfaceGuid = "7ED00674-9D80-4A0C-BBC7-5810CD5AF500";
            Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board));

            board = BoardCatalog.Create("esp32-s3");
            board.MaxDataPayload = board.ReceiveBufferPerSocket + 1;
            Assert.ThrowsException(typeof(ArgumentException), () => new UsbDescriptorBuilder(board));

            Assert.ThrowsException(typeof(ArgumentException), () => BoardCatalog.Create("no-such-board"));
        }

        [TestMethod]
        public void Every_catalog_board_is_valid_for_descriptors_and_engine()
        {
            string[] names = BoardCatalog.Names;
            for (int i = 0; i < names.Length; i++)
            {
                BoardSettings board = BoardCatalog.Create(names[i]);
                Assert.AreEqual(names[i], board.Name);
                board.Validate();
                EngineSettingsOf(board).Validate();
            }
        }

        /// <summary>What an application does with a board's budgets: the engine takes them as they are.</summary>
        private static HssEngineSettings EngineSettingsOf(BoardSettings board)
        {
            HssEngineSettings settings = new HssEngineSettings();
            settings.MaxSockets = board.MaxSockets;
            settings.MaxDataPayload = board.MaxDataPayload;
            settings.MaxTransmitPayload = board.MaxDataPayload;
            settings.SendWindow = board.SendWindow;
            settings.ReceiveBufferPerSocket = board.ReceiveBufferPerSocket;
            settings.ReceiveBudgetTotal = board.TotalReceiveBudget;
            return settings;
        }
    }
}
