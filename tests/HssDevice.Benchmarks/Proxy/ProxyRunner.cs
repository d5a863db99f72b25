using System;
using System.Diagnostics;
using System.Threading;
using HssDevice.Engine;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// Runs one <see cref="ProxyCase"/>: a warm-up of an eighth of the bytes, then the measured bytes, reading the
    /// counters of the application thread (the caller), the device's two pipe readers and the rest of the process
    /// before and after. The host answers inside the device's writes and the application thread also plays the
    /// host's writer, so no host thread adds wake-ups.
    /// </summary>
    public static class ProxyRunner
    {
        public const int TimeoutMs = 30000;

        public static ProxyResult Run(ProxyCase c)
        {
            HssEngineSettings settings = c.CreateSettings();
            var link = new ProxyHostLink(settings.ReceiveBufferPerSocket, settings.MaxDataPayload);
            IProxyDevice device = c.Device == "zero-work" ? (IProxyDevice)new ZeroWorkDevice(link, settings) : new EngineDevice(link, settings, TimeoutMs);
            try
            {
                byte[] payload = new byte[Math.Max(c.WriteSize, settings.MaxDataPayload)];
                byte[] received = new byte[payload.Length];
                new Random(9).NextBytes(payload);
                int hostTransmit = Math.Min(c.WriteSize, settings.MaxDataPayload);
                long warmup = c.WarmupBytes >= 0 ? c.WarmupBytes : Math.Max(c.Bytes / 8, c.WriteSize);

                if (warmup > 0)
                {
                    Move(c, device, link, payload, received, hostTransmit, warmup);
                }

                var clock = new Stopwatch();
                EngineCounters counters = device is EngineDevice && EngineCounters.Enabled ? ((EngineDevice)device).Counters : null;
                Snapshot before = Snapshot.Take(link, counters, true);
                clock.Start();
                Move(c, device, link, payload, received, hostTransmit, c.Bytes);
                clock.Stop();
                Snapshot after = Snapshot.Take(link, counters, false);
                return Result(c, before, after, clock.Elapsed.TotalSeconds);
            }
            finally
            {
                device.Dispose();
            }
        }

        private static void Move(ProxyCase c, IProxyDevice device, ProxyHostLink link, byte[] payload, byte[] received, int hostTransmit, long bytes)
        {
            if (c.DeviceToHost)
            {
                long target = link.DeviceTransmitBytes + bytes;
                for (long sent = 0; sent < bytes; sent += c.WriteSize)
                {
                    device.Send(payload, 0, (int)Math.Min(c.WriteSize, bytes - sent));
                }

                link.WaitDeviceTransmitted(target, TimeoutMs);
                return;
            }

            long injected = 0;
            long got = 0;
            if (!device.ApplicationReceives)
            {
                for (; injected < bytes; injected += hostTransmit)
                {
                    link.TryInject(device.SocketHandle, payload, 0, (int)Math.Min(hostTransmit, bytes - injected), true, TimeoutMs);
                }
            }
            else
            {
                while (got < bytes)
                {
                    // The host writes what its window allows, then the application reads (and so ACKs).
                    while (injected < bytes && link.TryInject(device.SocketHandle, payload, 0, (int)Math.Min(hostTransmit, bytes - injected), false, 0))
                    {
                        injected += Math.Min(hostTransmit, bytes - injected);
                    }

                    int n = device.Receive(received, 0, c.WriteSize);
                    if (n <= 0)
                    {
                        throw new InvalidOperationException("end of stream after " + got + " of " + bytes + " bytes");
                    }

                    got += n;
                }
            }

            link.WaitHostTransmitsAcked(TimeoutMs);
        }

        private static ProxyResult Result(ProxyCase c, Snapshot before, Snapshot after, double seconds)
        {
            long packets = c.DeviceToHost ? after.DeviceTransmits - before.DeviceTransmits : after.HostTransmits - before.HostTransmits;
            double p = packets;
            var r = new ProxyResult();
            r.Case = c;
            r.Packets = packets;
            r.Bytes = c.Bytes;
            r.Seconds = seconds;
            r.AppWakeups = (after.App - before.App) / p;
            r.CommandReaderWakeups = (after.CommandReader - before.CommandReader) / p;
            r.DataReaderWakeups = (after.DataReader - before.DataReader) / p;
            long three = (after.App - before.App) + (after.CommandReader - before.CommandReader) + (after.DataReader - before.DataReader);
            r.OtherWakeups = (after.Process - before.Process - three) / p;
            r.Preemptions = (after.Preemptions - before.Preemptions) / p;
            r.LockContentions = after.LockContentions < 0 ? -1 : (after.LockContentions - before.LockContentions) / p;
            r.ThreadPoolItems = after.ThreadPoolItems < 0 ? -1 : (after.ThreadPoolItems - before.ThreadPoolItems) / p;
            r.DeviceThreadBytes = after.AppAllocated < 0 ? -1
                : ((after.AppAllocated - before.AppAllocated) + (after.CommandReaderAllocated - before.CommandReaderAllocated) + (after.DataReaderAllocated - before.DataReaderAllocated)) / p;
            r.Locks = PerPacket(before.Locks, after.Locks, p);
            r.EventSets = PerPacket(before.EventSets, after.EventSets, p);
            r.EventSetsUnheard = PerPacket(before.EventSetsUnheard, after.EventSetsUnheard, p);
            r.EventWaits = PerPacket(before.EventWaits, after.EventWaits, p);
            r.EventWaitsBlocked = PerPacket(before.EventWaitsBlocked, after.EventWaitsBlocked, p);
            r.ReaderReads = PerPacket(before.ReaderReads, after.ReaderReads, p);
            return r;
        }

        private static double PerPacket(long before, long after, double packets)
        {
            return after < 0 ? -1 : (after - before) / packets;
        }

        /// <summary>The counters at one moment, read from the application thread.</summary>
        private sealed class Snapshot
        {
            public long App;
            public long CommandReader;
            public long DataReader;
            public long Process;
            public long Preemptions;
            public long LockContentions = -1;
            public long ThreadPoolItems = -1;
            public long AppAllocated = -1;
            public long CommandReaderAllocated;
            public long DataReaderAllocated;
            public long DeviceTransmits;
            public long HostTransmits;
            public long Locks = -1;
            public long EventSets = -1;
            public long EventSetsUnheard = -1;
            public long EventWaits = -1;
            public long EventWaitsBlocked = -1;
            public long ReaderReads = -1;

            /// <summary>Reading /proc allocates on this thread: before a run its allocation count is read last, after it first.</summary>
            public static Snapshot Take(ProxyHostLink link, EngineCounters counters, bool beforeRun)
            {
                // Read before this snapshot object is allocated (112 bytes on the application thread).
                long allocatedAfterRun = beforeRun ? 0 : ThreadCounters.AllocatedBytes();
                int app = ThreadCounters.CurrentThreadId();
                var s = new Snapshot();
#if NETCOREAPP
                if (!beforeRun)
                {
                    s.AppAllocated = allocatedAfterRun;
                }

                s.LockContentions = Monitor.LockContentionCount;
                s.ThreadPoolItems = ThreadPool.CompletedWorkItemCount;
#endif
                if (counters != null)
                {
                    s.Locks = counters.Locks;
                    s.EventSets = counters.EventSets;
                    s.EventSetsUnheard = counters.EventSetsUnheard;
                    s.EventWaits = counters.EventWaits;
                    s.EventWaitsBlocked = counters.EventWaitsBlocked;
                    s.ReaderReads = counters.ReaderReads;
                }

                s.CommandReaderAllocated = link.CommandReaderAllocated;
                s.DataReaderAllocated = link.DataReaderAllocated;
                s.DeviceTransmits = link.DeviceTransmits;
                s.HostTransmits = link.HostTransmits;
                s.App = ThreadCounters.Voluntary(app);
                s.CommandReader = Counted(link.CommandReaderTid);
                s.DataReader = Counted(link.DataReaderTid);
                s.Process = ThreadCounters.ProcessVoluntary();
                s.Preemptions = ThreadCounters.Involuntary(app) + Involuntary(link.CommandReaderTid) + Involuntary(link.DataReaderTid);
#if NETCOREAPP
                if (beforeRun)
                {
                    s.AppAllocated = GC.GetAllocatedBytesForCurrentThread();
                }
#endif
                return s;
            }

            private static long Counted(int tid)
            {
                return tid == 0 ? 0 : Math.Max(0, ThreadCounters.Voluntary(tid));
            }

            private static long Involuntary(int tid)
            {
                return tid == 0 ? 0 : Math.Max(0, ThreadCounters.Involuntary(tid));
            }
        }
    }
}
