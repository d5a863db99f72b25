using System;

namespace HssDevice.Benchmarks;

/// <summary>What one steady-state allocation measurement saw.</summary>
/// <param name="ProcessBytes">GC.GetTotalAllocatedBytes(true) delta: every thread of the process.</param>
/// <param name="AppThreadBytes">Allocated by the thread calling Send/Receive.</param>
/// <param name="CommandReaderBytes">Allocated by the engine's command reader thread.</param>
/// <param name="DataReaderBytes">Allocated by the engine's data reader thread.</param>
public readonly record struct AllocationReport(
    string Scenario, int Packets, long ProcessBytes, long AppThreadBytes, long CommandReaderBytes, long DataReaderBytes)
{
    /// <summary>Bytes the three threads that run the device path allocated.</summary>
    public long DevicePathThreadBytes => AppThreadBytes + CommandReaderBytes + DataReaderBytes;

    public double ProcessBytesPerPacket => (double)ProcessBytes / Packets;

    public override string ToString() =>
        $"{Scenario,-14} {Packets,7} packets  process {ProcessBytes,8} B ({ProcessBytesPerPacket,7:0.###} B/packet)  " +
        $"app {AppThreadBytes} B, command reader {CommandReaderBytes} B, data reader {DataReaderBytes} B";
}

/// <summary>
/// Measures allocations of the device path in steady state, outside BenchmarkDotNet: both process-wide
/// (GC.GetTotalAllocatedBytes(true)) and per thread (GC.GetAllocatedBytesForCurrentThread on the calling thread
/// and, through <see cref="LoopbackHostLink.TrackReaderAllocations"/>, on the engine's two reader threads).
/// </summary>
public static class AllocationCheck
{
    public static AllocationReport MeasureSend(DevicePath path, int size, int warmupPackets, int packets)
    {
        return Measure(path, "Send " + size + " B", true, size, warmupPackets, packets);
    }

    public static AllocationReport MeasureReceive(DevicePath path, int size, int warmupPackets, int packets)
    {
        return Measure(path, "Receive " + size + " B", false, size, warmupPackets, packets);
    }

    private static AllocationReport Measure(DevicePath path, string scenario, bool send, int size, int warmupPackets, int packets)
    {
        path.Link.TrackReaderAllocations = true;
        Run(path, send, size, warmupPackets);
        path.WaitUntilIdle();

        long commandReader0 = path.Link.CommandReaderAllocated;
        long dataReader0 = path.Link.DataReaderAllocated;
        long process0 = GC.GetTotalAllocatedBytes(true);
        long app0 = GC.GetAllocatedBytesForCurrentThread();

        Run(path, send, size, packets);
        path.WaitUntilIdle();

        long app1 = GC.GetAllocatedBytesForCurrentThread();
        long process1 = GC.GetTotalAllocatedBytes(true);
        long commandReader1 = path.Link.CommandReaderAllocated;
        long dataReader1 = path.Link.DataReaderAllocated;
        return new AllocationReport(scenario, packets, process1 - process0, app1 - app0, commandReader1 - commandReader0, dataReader1 - dataReader0);
    }

    private static void Run(DevicePath path, bool send, int size, int packets)
    {
        if (send)
        {
            for (int i = 0; i < packets; i++)
            {
                path.SendOne(size);
            }
        }
        else
        {
            for (int i = 0; i < packets; i++)
            {
                path.ReceiveOne(size);
            }
        }
    }
}
