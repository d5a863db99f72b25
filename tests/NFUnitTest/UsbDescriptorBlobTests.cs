using System;
using HssDevice.Usb;
using HssDevice.Usb.Boards;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The descriptor blob handed to the native USB function: parsed back, every entry equals the builder's
    /// descriptor for that request, per board, profile and speed; the bounds hold; malformed blobs are refused.</summary>
    [TestClass]
    public class UsbDescriptorBlobTests
    {
        private static UsbDescriptorBuilder Builder(string board, HssUsbProfile profile)
        {
            return new UsbDescriptorBuilder(BoardCatalog.Create(board), profile);
        }

        private static void AssertSame(byte[] expected, byte[] actual, string what)
        {
            Assert.IsNotNull(expected, what + ": builder has it");
            Assert.IsNotNull(actual, what + ": blob has it");
            Assert.AreEqual(expected.Length, actual.Length, what + " length");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], what + " byte " + i);
            }
        }

        private static void AssertCommonEntries(UsbDescriptorBuilder b, byte[] blob)
        {
            AssertSame(b.BuildDeviceDescriptor(), UsbDescriptorBlob.Find(blob, UsbDescriptorType.Device, 0, 0, UsbDescriptorBlob.SpeedAny), "device");
            AssertSame(b.BuildConfiguration(UsbSpeed.Full), UsbDescriptorBlob.Find(blob, UsbDescriptorType.Configuration, 0, 0, UsbDescriptorBlob.SpeedFull), "full-speed configuration");
            AssertSame(b.BuildString(0), UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 0, 0, UsbDescriptorBlob.SpeedAny), "language list");
            AssertSame(b.BuildString(1), UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 1, 0x0409, UsbDescriptorBlob.SpeedAny), "manufacturer");
            AssertSame(b.BuildString(2), UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 2, 0x0409, UsbDescriptorBlob.SpeedAny), "product");
            AssertSame(b.BuildString(4), UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 4, 0x0409, UsbDescriptorBlob.SpeedAny), "interface");
            Assert.IsNull(UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 3, 0x0409, UsbDescriptorBlob.SpeedAny), "no serial number string");
            AssertSame(b.BuildBos(), UsbDescriptorBlob.Find(blob, UsbDescriptorType.Bos, 0, 0, UsbDescriptorBlob.SpeedAny), "BOS");
            AssertSame(b.BuildMsOs20DescriptorSet(), UsbDescriptorBlob.Find(blob, UsbDescriptorBlob.MsOs20DescriptorSetType, UsbDescriptorBuilder.MsOs20VendorCode, 0, UsbDescriptorBlob.SpeedAny), "MS OS 2.0 set");
        }

        [TestMethod]
        public void Full_speed_board_blob_holds_its_descriptors_and_no_high_speed_ones()
        {
            UsbDescriptorBuilder b = Builder(Esp32S3Board.Name, HssUsbProfile.Vendor);
            byte[] blob = UsbDescriptorBlob.Build(b);
            Assert.AreEqual(8, UsbDescriptorBlob.CheckedEntryCount(blob)); // device, config, 4 strings, BOS, MS OS set
            AssertCommonEntries(b, blob);
            Assert.IsNull(UsbDescriptorBlob.Find(blob, UsbDescriptorType.Configuration, 0, 0, UsbDescriptorBlob.SpeedHigh));
            Assert.IsNull(UsbDescriptorBlob.Find(blob, UsbDescriptorType.DeviceQualifier, 0, 0, UsbDescriptorBlob.SpeedAny));
            Assert.IsNull(UsbDescriptorBlob.Find(blob, UsbDescriptorType.OtherSpeedConfiguration, 0, 0, UsbDescriptorBlob.SpeedFull));
        }

        [TestMethod]
        public void High_speed_board_blob_holds_both_speeds()
        {
            UsbDescriptorBuilder b = Builder(Stm32F769IDiscoveryBoard.Name, HssUsbProfile.Vendor);
            byte[] blob = UsbDescriptorBlob.Build(b);
            Assert.AreEqual(12, UsbDescriptorBlob.CheckedEntryCount(blob));
            AssertCommonEntries(b, blob);
            AssertSame(b.BuildConfiguration(UsbSpeed.High), UsbDescriptorBlob.Find(blob, UsbDescriptorType.Configuration, 0, 0, UsbDescriptorBlob.SpeedHigh), "high-speed configuration");
            AssertSame(b.BuildDeviceQualifier(), UsbDescriptorBlob.Find(blob, UsbDescriptorType.DeviceQualifier, 0, 0, UsbDescriptorBlob.SpeedAny), "qualifier");
            // The entry's speed is the operating speed: at full speed the other speed is high, and the reverse.
            AssertSame(b.BuildOtherSpeedConfiguration(UsbSpeed.Full), UsbDescriptorBlob.Find(blob, UsbDescriptorType.OtherSpeedConfiguration, 0, 0, UsbDescriptorBlob.SpeedFull), "other speed at full speed");
            AssertSame(b.BuildOtherSpeedConfiguration(UsbSpeed.High), UsbDescriptorBlob.Find(blob, UsbDescriptorType.OtherSpeedConfiguration, 0, 0, UsbDescriptorBlob.SpeedHigh), "other speed at high speed");
        }

        [TestMethod]
        public void Cdc_profile_blobs_hold_the_cdc_descriptors()
        {
            string[] boards = BoardCatalog.Names;
            for (int i = 0; i < boards.Length; i++)
            {
                UsbDescriptorBuilder b = Builder(boards[i], HssUsbProfile.Cdc);
                byte[] blob = UsbDescriptorBlob.Build(b);
                AssertCommonEntries(b, blob);
                byte[] config = UsbDescriptorBlob.Find(blob, UsbDescriptorType.Configuration, 0, 0, UsbDescriptorBlob.SpeedFull);
                Assert.AreEqual((byte)2, config[4], boards[i] + ": two interfaces");
            }
        }

        [TestMethod]
        public void Every_board_and_profile_fits_the_native_bounds()
        {
            string[] boards = BoardCatalog.Names;
            for (int i = 0; i < boards.Length; i++)
            {
                for (int p = 0; p < 2; p++)
                {
                    byte[] blob = UsbDescriptorBlob.Build(Builder(boards[i], p == 0 ? HssUsbProfile.Vendor : HssUsbProfile.Cdc));
                    Assert.IsTrue(blob.Length <= UsbDescriptorBlob.MaxLength, boards[i] + " length");
                    Assert.IsTrue(UsbDescriptorBlob.CheckedEntryCount(blob) <= UsbDescriptorBlob.MaxEntries, boards[i] + " entries");
                    Assert.AreEqual((byte)'H', blob[0]);
                    Assert.AreEqual((byte)'D', blob[3]);
                    Assert.AreEqual(UsbDescriptorBlob.Version, blob[4]);
                    Assert.AreEqual((byte)0, blob[5]);
                }
            }
        }

        [TestMethod]
        public void Serial_number_set_at_start_up_becomes_an_entry()
        {
            BoardSettings board = BoardCatalog.Create(Esp32S3Board.Name);
            board.SerialNumber = "0123ABCD";
            UsbDescriptorBuilder b = new UsbDescriptorBuilder(board);
            byte[] blob = UsbDescriptorBlob.Build(b);
            AssertSame(b.BuildString(3), UsbDescriptorBlob.Find(blob, UsbDescriptorType.String, 3, 0x0409, UsbDescriptorBlob.SpeedAny), "serial number");
        }

        [TestMethod]
        public void Every_truncation_of_a_blob_is_refused()
        {
            byte[] blob = UsbDescriptorBlob.Build(Builder(Stm32F769IDiscoveryBoard.Name, HssUsbProfile.Cdc));
            for (int length = 0; length < blob.Length; length++)
            {
                byte[] cut = new byte[length];
                Array.Copy(blob, 0, cut, 0, length);
                bool refused = false;
                try
                {
                    UsbDescriptorBlob.CheckedEntryCount(cut);
                }
                catch (ArgumentException)
                {
                    refused = true;
                }

                Assert.IsTrue(refused, "truncated to " + length);
            }
        }

        [TestMethod]
        public void Bad_header_and_entry_lengths_are_refused()
        {
            byte[] good = UsbDescriptorBlob.Build(Builder(Esp32S3Board.Name, HssUsbProfile.Vendor));
            int[] offsets = new int[] { 0, 4, 5, 6, 7, 14, 15 };
            for (int i = 0; i < offsets.Length; i++)
            {
                byte[] bad = (byte[])good.Clone();
                bad[offsets[i]] ^= 0x81;
                bool refused = false;
                try
                {
                    UsbDescriptorBlob.CheckedEntryCount(bad);
                }
                catch (ArgumentException)
                {
                    refused = true;
                }

                Assert.IsTrue(refused, "byte " + offsets[i] + " changed");
            }

            Assert.ThrowsException(typeof(ArgumentNullException), () => UsbDescriptorBlob.Build(null));
        }
    }
}
