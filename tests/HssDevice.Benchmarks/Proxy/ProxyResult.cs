using System.Globalization;
using System.Text;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// What one proxy run measured, per packet (TRANSMITs in the run's direction). Wake-ups are voluntary context
    /// switches; "other" is every other thread of the process (timer, thread pool, GC). A value of -1 was not
    /// measurable on this runtime (Mono has no lock-contention, thread-pool or per-thread allocation counters).
    /// </summary>
    public sealed class ProxyResult
    {
        public ProxyCase Case;
        public long Packets;
        public long Bytes;
        public double Seconds;
        public double AppWakeups;
        public double CommandReaderWakeups;
        public double DataReaderWakeups;
        public double OtherWakeups;
        public double Preemptions;
        public double LockContentions;
        public double ThreadPoolItems;
        public double DeviceThreadBytes;

        /// <summary>The engine's own counts per packet (EngineCounters; -1: the zero-work device, or a build without HSS_COUNTERS).</summary>
        public double Locks;
        public double EventSets;
        public double EventSetsUnheard;
        public double EventWaits;
        public double EventWaitsBlocked;
        public double ReaderReads;

        public double MegabytesPerSecond
        {
            get { return Bytes / Seconds / 1e6; }
        }

        public double BytesPerPacket
        {
            get { return Packets == 0 ? 0 : (double)Bytes / Packets; }
        }

        /// <summary>Wake-ups of the three device-side threads (application, command reader, data reader) per packet.</summary>
        public double DeviceWakeups
        {
            get { return AppWakeups + CommandReaderWakeups + DataReaderWakeups; }
        }

        public static string Header
        {
            get
            {
                return string.Format(CultureInfo.InvariantCulture, "{0,-9} {1,-20} {2,-14} {3,6} {4,8} {5,7} {6,8} | {7,6} {8,6} {9,6} {10,6} {11,6} | {12,6} {13,6} {14,6} {15,7} | {16,6} {17,6} {18,6} {19,6} {20,6} {21,6}",
                    "device", "settings", "direction", "write", "packets", "B/pkt", "MB/s", "app", "cmdrd", "datard", "other", "sum", "preem", "lockc", "tpool", "alloc",
                    "locks", "sets", "unhrd", "waits", "blockd", "reads");
            }
        }

        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "{0,-9} {1,-20} {2,-14} {3,6} {4,8} {5,7:0} {6,8:0.00} | {7,6:0.00} {8,6:0.00} {9,6:0.00} {10,6:0.00} {11,6:0.00} | {12,6:0.00} {13,6:0.00} {14,6:0.00} {15,7:0.0} | {16,6:0.00} {17,6:0.00} {18,6:0.00} {19,6:0.00} {20,6:0.00} {21,6:0.00}",
                Case.Device, Case.SettingsName, Case.Direction, Case.WriteSize, Packets, BytesPerPacket, MegabytesPerSecond,
                AppWakeups, CommandReaderWakeups, DataReaderWakeups, OtherWakeups, DeviceWakeups, Preemptions, LockContentions, ThreadPoolItems, DeviceThreadBytes,
                Locks, EventSets, EventSetsUnheard, EventWaits, EventWaitsBlocked, ReaderReads);
        }

        public string ToJson()
        {
            var b = new StringBuilder();
            b.Append('{');
            Field(b, "device", Case.Device);
            Field(b, "settings", Case.SettingsName);
            Field(b, "direction", Case.Direction);
            Field(b, "writeSize", Case.WriteSize);
            Field(b, "packets", Packets);
            Field(b, "bytes", Bytes);
            Field(b, "seconds", Seconds);
            Field(b, "megabytesPerSecond", MegabytesPerSecond);
            Field(b, "appWakeupsPerPacket", AppWakeups);
            Field(b, "commandReaderWakeupsPerPacket", CommandReaderWakeups);
            Field(b, "dataReaderWakeupsPerPacket", DataReaderWakeups);
            Field(b, "otherWakeupsPerPacket", OtherWakeups);
            Field(b, "preemptionsPerPacket", Preemptions);
            Field(b, "lockContentionsPerPacket", LockContentions);
            Field(b, "threadPoolItemsPerPacket", ThreadPoolItems);
            Field(b, "locksPerPacket", Locks);
            Field(b, "eventSetsPerPacket", EventSets);
            Field(b, "eventSetsUnheardPerPacket", EventSetsUnheard);
            Field(b, "eventWaitsPerPacket", EventWaits);
            Field(b, "eventWaitsBlockedPerPacket", EventWaitsBlocked);
            Field(b, "readerReadsPerPacket", ReaderReads);
            b.Append("\"deviceThreadBytesPerPacket\":").Append(Number(DeviceThreadBytes));
            b.Append('}');
            return b.ToString();
        }

        private static void Field(StringBuilder b, string name, string value)
        {
            b.Append('"').Append(name).Append("\":\"").Append(value).Append("\",");
        }

        private static void Field(StringBuilder b, string name, double value)
        {
            b.Append('"').Append(name).Append("\":").Append(Number(value)).Append(',');
        }

        private static string Number(double value)
        {
            return value.ToString("0.####", CultureInfo.InvariantCulture);
        }
    }
}
