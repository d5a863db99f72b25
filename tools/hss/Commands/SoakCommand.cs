using System;
using System.CommandLine;
using HssDevice.Host.Emulation;
using HssDevice.Tool.Samples;
using HssDevice.Tool.Soak;

namespace HssDevice.Tool.Commands;

/// <summary>`hss soak --minutes N`: many sockets of one emulated device through a real host, for a long time.</summary>
public sealed class SoakCommand : Command, IHelpNotes
{
    private const int MaxWorkers = 32;
    private const int DefaultTcp = 12;
    private const int DefaultUdp = 4;

    public SoakCommand()
        : base("soak", "Run many TCP and UDP sockets of one emulated device through the host for a while, checking every byte.")
    {
        // Up to a year: TimeSpan.FromMinutes of much more overflows.
        var minutes = NumberOption.Real("--minutes", "How long to run.", "N", 0, aboveIncluded: false, 60 * 24 * 365, 1);
        // The host serves 64 sockets per device (HssHostSettings) and the soak holds up to twice its workers open (a
        // closed socket's slot frees once the host answers its CLOSE): at most 32 workers.
        var tcp = NumberOption.Whole("--tcp", "TCP sockets at once (--tcp plus --udp at most 32).", "N", 0, MaxWorkers, DefaultTcp);
        var udp = NumberOption.Whole("--udp", "UDP sockets at once.", "N", 0, MaxWorkers, DefaultUdp);
        var speed = new Option<string>("--speed") { Description = "full or high.", DefaultValueFactory = _ => "full", HelpName = "SPEED" };
        ChoiceOption.AcceptOnly(speed, "full", "high");
        Options.Add(minutes);
        Options.Add(tcp);
        Options.Add(udp);
        Options.Add(speed);
        Validators.Add(result =>
        {
            if (!CommandValues.TryGet(result, tcp, DefaultTcp, out int tcpSockets) || !CommandValues.TryGet(result, udp, DefaultUdp, out int udpSockets))
            {
                return;
            }

            if (tcpSockets == 0 && udpSockets == 0)
            {
                result.AddError("--tcp 0 --udp 0: nothing to soak; give at least one socket");
            }
            else if (tcpSockets + udpSockets > MaxWorkers)
            {
                result.AddError($"--tcp {tcpSockets} --udp {udpSockets}: at most {MaxWorkers} sockets in all");
            }
        });
        SetAction(async (parseResult, cancellationToken) =>
        {
            var run = new SoakRun(parseResult.GetValue(tcp), parseResult.GetValue(udp));
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
