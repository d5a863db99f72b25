using System;
using System.CommandLine;
using HssDevice.Host.Emulation;
using HssDevice.Tool.Samples;
using HssDevice.Tool.Soak;

namespace HssDevice.Tool.Commands;

/// <summary>`hss soak --minutes N`: many sockets of one emulated device through a real host, for a long time.</summary>
public sealed class SoakCommand : Command, IHelpNotes
{
    public SoakCommand()
        : base("soak", "Run many TCP and UDP sockets of one emulated device through the host for a while, checking every byte.")
    {
        var minutes = new Option<double>("--minutes")
        {
            Description = "How long to run.",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var tcp = new Option<int>("--tcp") { Description = "TCP sockets at once.", DefaultValueFactory = _ => 12, HelpName = "N" };
        var udp = new Option<int>("--udp") { Description = "UDP sockets at once.", DefaultValueFactory = _ => 4, HelpName = "N" };
        var speed = new Option<string>("--speed") { Description = "full or high.", DefaultValueFactory = _ => "full", HelpName = "SPEED" };
        speed.AcceptOnlyFromAmong("full", "high");
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() <= 0)
            {
                result.AddError("--minutes must be more than 0.");
            }
        });
        Options.Add(minutes);
        Options.Add(tcp);
        Options.Add(udp);
        Options.Add(speed);
        SetAction(async (parseResult, cancellationToken) =>
        {
            int tcpSockets = Math.Max(0, parseResult.GetValue(tcp));
            int udpSockets = Math.Max(0, parseResult.GetValue(udp));
            var run = new SoakRun(tcpSockets, udpSockets);
            return await run.RunAsync(TimeSpan.FromMinutes(parseResult.GetValue(minutes)), LinkSetup.ParseSpeed(parseResult.GetValue(speed)),
                parseResult.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
        });
    }

    public string HelpNotes => """
        Output:
          Every 10 s: elapsed time, throughput (MB/s, both directions), TCP streams and datagrams checked, errors,
          managed heap, working set, open file descriptors. Then a summary.

        Exit codes:
          0  every stream and datagram came back intact
          3  a stream came back short or changed, or a socket failed (the first error is printed)

        Example:
          hss soak --minutes 10 --tcp 24 --udp 8
        """;
}
