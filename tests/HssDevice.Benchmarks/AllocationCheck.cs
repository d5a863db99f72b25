using System;

namespace HssDevice.Benchmarks;

/// <summary>What one steady-state allocation measurement saw.</summary>
/// <param name="ProcessBytes">GC.GetTotalAllocatedBytes(true) delta: every thread of the process.</param>
/// <param name="AppThreadBytes">Allocated by the thread calling Send/Receive.</param>
/// <param name="CommandReaderBytes">Allocated by the engine's command reader thread.</param>
/// <param name="DataReaderBytes">Allocated by the engine's data reader thread.</param>
/// <param name="DevicePackets">TRANSMITs and TRANSMIT ACKs the device wrote meanwhile (fewer than Packets when sends coalesce).</param>
public readonly record struct AllocationReport(
    string Scenario, int Packets, long ProcessBytes, long AppThreadBytes, long CommandReaderBytes, long DataReaderBytes, long DevicePackets)
{
    /// <summary>Bytes the three threads that run the device path allocated.</summary>
    public long DevicePathThreadBytes => AppThreadBytes + CommandReaderBytes + DataReaderBytes;

    public double ProcessBytesPerPacket => (double)ProcessBytes / Packets;

    public override string ToString() =>
        $"{Scenario,-22} {Packets,7} calls, {DevicePackets,7} device packets  process {ProcessBytes,8} B ({ProcessBytesPerPacket,7:0.###} B/packet)  " +
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
        return Measure(path, Name("Send", path, size), Operation.SendAcked, size, warmupPackets, packets);
    }

    /// <summary>Sends without waiting for each ACK (window and coalescing pace them); a "packet" is one Send call.</summary>
    public static AllocationReport MeasureSendStreaming(DevicePath path, int size, int warmupPackets, int packets)
    {
        return Measure(path, Name("Stream", path, size), Operation.SendStreaming, size, warmupPackets, packets);
    }

    public static AllocationReport MeasureReceive(DevicePath path, int size, int warmupPackets, int packets)
    {
        return Measure(path, Name("Receive", path, size), Operation.Receive, size, warmupPackets, packets);
    }

    private static string Name(string operation, DevicePath path, int size)
    {
        return operation + " " + size + " B " + (path.Transport == DeviceTransport.StreamLink ? "1 pipe" : "2 pipes");
    }

    private enum Operation
    {
        SendAcked,
        SendStreaming,
        Receive,
    }

    private static AllocationReport Measure(DevicePath path, string scenario, Operation operation, int size, int warmupPackets, int packets)
    {
        path.Link.TrackReaderAllocations = true;
        Run(path, operation, size, warmupPackets);
        path.WaitUntilIdle();

        long devicePackets0 = path.Link.DeviceTransmits + path.Link.DeviceAcks;
        long commandReader0 = path.Link.CommandReaderAllocated;
        long dataReader0 = path.Link.DataReaderAllocated;
        long process0 = GC.GetTotalAllocatedBytes(true);
        long app0 = GC.GetAllocatedBytesForCurrentThread();

        Run(path, operation, size, packets);
        path.WaitUntilIdle();

        long app1 = GC.GetAllocatedBytesForCurrentThread();
        long process1 = GC.GetTotalAllocatedBytes(true);
        long commandReader1 = path.Link.CommandReaderAllocated;
        long dataReader1 = path.Link.DataReaderAllocated;
        long devicePackets1 = path.Link.DeviceTransmits + path.Link.DeviceAcks;
        return new AllocationReport(
            scenario, packets, process1 - process0, app1 - app0, commandReader1 - commandReader0, dataReader1 - dataReader0, devicePackets1 - devicePackets0);
    }

    private static void Run(DevicePath path, Operation operation, int size, int packets)
    {
        for (int i = 0; i < packets; i++)
        {
            switch (operation)
            {
                case Operation.SendAcked:
                    path.SendOne(size);
                    break;
                case Operation.SendStreaming:
                    path.SendStreaming(size);
                    break;
                default:
                    path.ReceiveOne(size);
                    break;
            }
        }
    }
}
