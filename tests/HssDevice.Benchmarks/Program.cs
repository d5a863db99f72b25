using System;
using BenchmarkDotNet.Running;

namespace HssDevice.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project tests/HssDevice.Benchmarks -- --filter '*'` runs the benchmarks;
/// `-- --check-alloc [packets]` measures steady-state allocations per packet without BenchmarkDotNet;
/// `-- proxy [--json]` is the interpreter proxy of issue 9 (Proxy/ProxyCommand.cs).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "proxy")
        {
            return Proxy.ProxyCommand.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "--check-alloc")
        {
            int packets = args.Length > 1 ? int.Parse(args[1]) : 10_000;
            return CheckAllocations(packets);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    /// <summary>Prints allocated bytes per packet for each scenario; exit code 1 when a device-path thread allocated.</summary>
    private static int CheckAllocations(int packets)
    {
        int failures = 0;
        foreach (DeviceTransport transport in new[] { DeviceTransport.TwoPipes, DeviceTransport.StreamLink })
        {
            foreach (int size in new[] { 64, 1024 })
            {
                using (DevicePath path = DevicePath.Start(transport))
                {
                    failures += Report(AllocationCheck.MeasureSend(path, size, 1000, packets));
                }

                using (DevicePath path = DevicePath.Start(transport))
                {
                    failures += Report(AllocationCheck.MeasureSendStreaming(path, size, 1000, packets));
                }

                using (DevicePath path = DevicePath.Start(transport))
                {
                    failures += Report(AllocationCheck.MeasureReceive(path, size, 1000, packets));
                }
            }
        }

        Console.WriteLine(failures == 0 ? "no allocation on the device path threads" : failures + " scenario(s) allocated on the device path threads");
        return failures == 0 ? 0 : 1;
    }

    private static int Report(AllocationReport report)
    {
        Console.WriteLine(report);
        return report.DevicePathThreadBytes == 0 ? 0 : 1;
    }
}
