using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Metrology;

namespace HssDevice.Benchmarks;

/// <summary>
/// One job with fixed warm-up and iteration counts (the machine is small and shared; BenchmarkDotNet's adaptive
/// default runs far longer), Median shown, and the memory diagnoser, which on .NET Core 3.0+ reads
/// GC.GetTotalAllocatedBytes(precise: true): allocations of every thread count, the engine's readers included.
/// </summary>
public sealed class DevicePathConfig : ManualConfig
{
    public DevicePathConfig()
    {
        AddJob(Job.Default.WithWarmupCount(6).WithIterationCount(20));
        AddColumn(StatisticColumn.Median);
        AddDiagnoser(MemoryDiagnoser.Default);

        // Allocated in bytes, not rounded to "1 KB".
        WithSummaryStyle(SummaryStyle.Default.WithSizeUnit(SizeUnit.B));
    }
}
