using System.CommandLine;
using HssDevice.Tool.Samples;

namespace HssDevice.Tool.Commands;

/// <summary>Options of the sample application's steps, shared by `hss demo` and `hss emulate`.</summary>
internal static class SampleOptions
{
    public static Option<int> EchoBytes() => new("--bytes")
    {
        Description = "Bytes each TCP echo sends and checks.",
        DefaultValueFactory = _ => SampleSteps.DefaultEchoBytes,
        HelpName = "N",
    };

    public static Option<int> Datagrams() => new("--datagrams")
    {
        Description = "Datagrams each UDP echo sends and checks.",
        DefaultValueFactory = _ => SampleSteps.DefaultDatagrams,
        HelpName = "N",
    };
}
