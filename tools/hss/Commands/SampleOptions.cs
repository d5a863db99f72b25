using System.CommandLine;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Commands;

/// <summary>Options of the sample application's steps, shared by `hss demo` and `hss emulate`.</summary>
internal static class SampleOptions
{
    /// <summary>Up to 1 GiB: the echo keeps what it sent to compare.</summary>
    public static Option<int> EchoBytes() =>
        NumberOption.Whole("--bytes", "Bytes each TCP echo sends and checks.", "N", 1, 1 << 30, SampleSteps.DefaultEchoBytes);

    public static Option<int> Datagrams() =>
        NumberOption.Whole("--datagrams", "Datagrams each UDP echo sends and checks.", "N", 1, 1_000_000, SampleSteps.DefaultDatagrams);
}
