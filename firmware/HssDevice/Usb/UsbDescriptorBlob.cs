using System;
using System.Collections;

namespace HssDevice.Usb
{
    /// <summary>
    /// The descriptor set of a board as one blob for the native USB function (firmware/native, hss_usb_open): every
    /// descriptor <see cref="UsbDescriptorBuilder"/> answers with, for every speed the board supports, each tagged
    /// with what it answers. Little-endian (docs/native-usb.md):
    /// offset 0 'H','S','S','D'; 4 u8 version 1; 5 u8 reserved 0; 6 u16 entry count; 8 entries, each: u8 type,
    /// u8 index, u16 language id, u8 speed (0 any, 1 full, 2 high: the operating speed the entry is for), u8 reserved 0,
    /// u16 length, then the descriptor bytes. Type 0xF0 is the MS OS 2.0 descriptor set, index its vendor code.
    /// </summary>
    public static class UsbDescriptorBlob
    {
        public const byte Version = 1;

        /// <summary>HSS_USB_DESCRIPTORS_MAX and HSS_USB_DESCRIPTOR_ENTRIES_MAX in hss_usb.h.</summary>
        public const int MaxLength = 4096;
        public const int MaxEntries = 32;

        public const int HeaderLength = 8;
        public const int EntryHeaderLength = 8;

        /// <summary>Entry type of the MS OS 2.0 descriptor set (not a USB descriptor type).</summary>
        public const byte MsOs20DescriptorSetType = 0xF0;

        public const byte SpeedAny = 0;
        public const byte SpeedFull = 1;
        public const byte SpeedHigh = 2;

        /// <summary>
        /// The blob of <paramref name="builder"/>'s board and profile. A full-speed board gets its full-speed
        /// configuration only; a high-speed board also its high-speed configuration, the device qualifier and the
        /// other-speed configuration of each speed. Throws InvalidOperationException past the native bounds.
        /// </summary>
        public static byte[] Build(UsbDescriptorBuilder builder)
        {
            if (builder == null)
            {
                throw new ArgumentNullException("builder");
            }

            ArrayList entries = new ArrayList();
            Add(entries, UsbDescriptorType.Device, 0, 0, SpeedAny, builder.BuildDeviceDescriptor());
            Add(entries, UsbDescriptorType.Configuration, 0, 0, SpeedFull, builder.BuildConfiguration(UsbSpeed.Full));
            if (builder.IsHighSpeedCapable)
            {
                Add(entries, UsbDescriptorType.Configuration, 0, 0, SpeedHigh, builder.BuildConfiguration(UsbSpeed.High));
                Add(entries, UsbDescriptorType.DeviceQualifier, 0, 0, SpeedAny, builder.BuildDeviceQualifier());
                Add(entries, UsbDescriptorType.OtherSpeedConfiguration, 0, 0, SpeedFull, builder.BuildOtherSpeedConfiguration(UsbSpeed.Full));
                Add(entries, UsbDescriptorType.OtherSpeedConfiguration, 0, 0, SpeedHigh, builder.BuildOtherSpeedConfiguration(UsbSpeed.High));
            }

            // String 0 is the language list, asked for with language id 0 (USB 2.0 section 9.6.7).
            Add(entries, UsbDescriptorType.String, 0, 0, SpeedAny, builder.BuildString(0));
            for (int index = 1; index <= UsbDescriptorBuilder.InterfaceStringIndex; index++)
            {
                // Null for a string the board leaves empty (no serial number): the index is then not served (STALL).
                Add(entries, UsbDescriptorType.String, (byte)index, UsbDescriptorBuilder.LanguageIdEnglishUs, SpeedAny, builder.BuildString(index));
            }

            Add(entries, UsbDescriptorType.Bos, 0, 0, SpeedAny, builder.BuildBos());
            Add(entries, MsOs20DescriptorSetType, UsbDescriptorBuilder.MsOs20VendorCode, 0, SpeedAny, builder.BuildMsOs20DescriptorSet());
            return Write(entries);
        }

        /// <summary>The descriptor of the entry (type, index, language id, speed), or null; throws ArgumentException
        /// when the blob is malformed. The same checks as the native parser's header and entry walk.</summary>
        public static byte[] Find(byte[] blob, byte type, byte index, ushort languageId, byte speed)
        {
            int count = CheckedEntryCount(blob);
            int at = HeaderLength;
            for (int i = 0; i < count; i++)
            {
                int length = blob[at + 6] | (blob[at + 7] << 8);
                bool match = blob[at] == type && blob[at + 1] == index && (blob[at + 2] | (blob[at + 3] << 8)) == languageId
                    && blob[at + 4] == speed;
                if (match)
                {
                    byte[] descriptor = new byte[length];
                    Array.Copy(blob, at + EntryHeaderLength, descriptor, 0, length);
                    return descriptor;
                }

                at += EntryHeaderLength + length;
            }

            return null;
        }

        /// <summary>The number of entries after checking the header and that every entry lies inside the blob and
        /// the last one ends exactly at its end; ArgumentException otherwise.</summary>
        public static int CheckedEntryCount(byte[] blob)
        {
            if (blob == null || blob.Length < HeaderLength || blob.Length > MaxLength)
            {
                throw new ArgumentException("descriptor blob length out of range");
            }

            if (blob[0] != (byte)'H' || blob[1] != (byte)'S' || blob[2] != (byte)'S' || blob[3] != (byte)'D' || blob[4] != Version || blob[5] != 0)
            {
                throw new ArgumentException("not a version 1 descriptor blob");
            }

            int count = blob[6] | (blob[7] << 8);
            if (count == 0 || count > MaxEntries)
            {
                throw new ArgumentException("descriptor blob entry count out of range");
            }

            int at = HeaderLength;
            for (int i = 0; i < count; i++)
            {
                if (blob.Length - at < EntryHeaderLength)
                {
                    throw new ArgumentException("descriptor blob entry header past the end");
                }

                int length = blob[at + 6] | (blob[at + 7] << 8);
                at += EntryHeaderLength;
                if (length > blob.Length - at)
                {
                    throw new ArgumentException("descriptor blob entry past the end");
                }

                at += length;
            }

            if (at != blob.Length)
            {
                throw new ArgumentException("descriptor blob has bytes after its last entry");
            }

            return count;
        }

        private static void Add(ArrayList entries, byte type, byte index, ushort languageId, byte speed, byte[] descriptor)
        {
            if (descriptor == null)
            {
                return;
            }

            byte[] entry = new byte[EntryHeaderLength + descriptor.Length];
            entry[0] = type;
            entry[1] = index;
            entry[2] = (byte)languageId;
            entry[3] = (byte)(languageId >> 8);
            entry[4] = speed;
            entry[5] = 0;
            entry[6] = (byte)descriptor.Length;
            entry[7] = (byte)(descriptor.Length >> 8);
            Array.Copy(descriptor, 0, entry, EntryHeaderLength, descriptor.Length);
            entries.Add(entry);
        }

        private static byte[] Write(ArrayList entries)
        {
            if (entries.Count > MaxEntries)
            {
                throw new InvalidOperationException("descriptor blob has " + entries.Count + " entries, at most " + MaxEntries);
            }

            int length = HeaderLength;
            for (int i = 0; i < entries.Count; i++)
            {
                length += ((byte[])entries[i]).Length;
            }

            if (length > MaxLength)
            {
                throw new InvalidOperationException("descriptor blob is " + length + " bytes, at most " + MaxLength);
            }

            byte[] blob = new byte[length];
            blob[0] = (byte)'H';
            blob[1] = (byte)'S';
            blob[2] = (byte)'S';
            blob[3] = (byte)'D';
            blob[4] = Version;
            blob[5] = 0;
            blob[6] = (byte)entries.Count;
            blob[7] = (byte)(entries.Count >> 8);
            int at = HeaderLength;
            for (int i = 0; i < entries.Count; i++)
            {
                byte[] entry = (byte[])entries[i];
                Array.Copy(entry, 0, blob, at, entry.Length);
                at += entry.Length;
            }

            return blob;
        }
    }
}
