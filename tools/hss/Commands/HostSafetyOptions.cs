using System;
using System.CommandLine;
using HssDevice.Host;
using HssDevice.Host.Policy;

namespace HssDevice.Tool.Commands;

/// <summary>
/// `hss host` options for the destination policy and the host's limits (docs/security.md): --allow, --deny,
/// --allow-loopback, --max-devices, --max-devices-per-address, --max-sockets, --max-buffered-bytes, --first-packet-timeout,
/// --packet-timeout, --idle-timeout.
/// </summary>
internal sealed class HostSafetyOptions
{
    private readonly Option<AddressRange[]> _allow = Ranges("--allow", "Let devices reach CIDR[:PORT[-PORT]] (e.g. 10.0.0.0/8:1883, [fd00::/8]:443); may repeat.");
    private readonly Option<AddressRange[]> _deny = Ranges("--deny", "Never let devices reach CIDR[:PORT[-PORT]]; checked before --allow; may repeat.");

    private readonly Option<bool> _allowLoopback = new("--allow-loopback")
    {
        Description = "Let devices reach this machine itself (loopback, its own addresses): for the demo and tests. Denied by default.",
    };

    private readonly Option<int?> _maxDevices = NumberOption.OptionalWhole("--max-devices", "Devices served at once (default 32).", "N", 1, 100_000);

    /// <summary>Socket ids are 16 bits on the wire.</summary>
    private readonly Option<int?> _maxSockets = NumberOption.OptionalWhole("--max-sockets", "Sockets per device (default 64).", "N", 1, 65535);

    private readonly Option<int?> _maxPerAddress = NumberOption.OptionalWhole("--max-devices-per-address",
        "Devices served at once from one remote address, an IPv6 /64 counting as one (default 8).", "N", 1, 100_000);

    private readonly Option<double?> _packet = NumberOption.OptionalReal("--packet-timeout",
        "Seconds a device has to finish a packet it began (default 30; 0 turns it off).", "SECONDS", 0, aboveIncluded: true, MaxSeconds);

    private readonly Option<int?> _maxBuffered = NumberOption.OptionalWhole("--max-buffered-bytes",
        "Device-to-host bytes buffered per device (default 4194304).", "BYTES", 1, int.MaxValue);

    private readonly Option<double?> _firstPacket = NumberOption.OptionalReal("--first-packet-timeout",
        "Seconds a device has to send its first whole packet (default 30; 0 turns it off).", "SECONDS", 0, aboveIncluded: true, MaxSeconds);

    private readonly Option<double?> _idle = NumberOption.OptionalReal("--idle-timeout",
        "Seconds without a packet or a byte on the device's sockets before it is disconnected (default 600; 0 turns it off).", "SECONDS",
        0, aboveIncluded: true, MaxSeconds);

    /// <summary>A year: longer timeouts are "off" in all but name, and TimeSpan has a limit.</summary>
    private const double MaxSeconds = 86400 * 365;

    public void AddTo(Command command)
    {
        command.Options.Add(_allow);
        command.Options.Add(_deny);
        command.Options.Add(_allowLoopback);
        command.Options.Add(_maxDevices);
        command.Options.Add(_maxSockets);
        command.Options.Add(_maxPerAddress);
        command.Options.Add(_packet);
        command.Options.Add(_maxBuffered);
        command.Options.Add(_firstPacket);
        command.Options.Add(_idle);
    }

    /// <summary>The settings with the options applied.</summary>
    public HssHostSettings Apply(ParseResult parse, HssHostSettings settings)
    {
        DestinationPolicy policy = settings.Destinations;
        foreach (AddressRange range in parse.GetValue(_deny) ?? [])
        {
            policy = policy.WithDenied(range);
        }

        foreach (AddressRange range in parse.GetValue(_allow) ?? [])
        {
            policy = policy.WithAllowed(range);
        }

        if (parse.GetValue(_allowLoopback))
        {
            policy = policy.WithLoopbackAllowed();
        }

        settings = settings with { Destinations = policy };
        if (parse.GetValue(_maxDevices) is int devices)
        {
            settings = settings with { MaxDevices = devices };
        }

        if (parse.GetValue(_maxSockets) is int sockets)
        {
            settings = settings with { MaxSocketsPerDevice = sockets };
        }

        if (parse.GetValue(_maxBuffered) is int buffered)
        {
            settings = settings with { MaxBufferedBytesPerDevice = buffered };
        }

        if (parse.GetValue(_firstPacket) is double first)
        {
            settings = settings with { FirstPacketTimeout = Seconds(first) };
        }

        if (parse.GetValue(_maxPerAddress) is int perAddress)
        {
            settings = settings with { MaxDevicesPerAddress = perAddress };
        }

        if (parse.GetValue(_packet) is double packet)
        {
            settings = settings with { PacketTimeout = Seconds(packet) };
        }

        if (parse.GetValue(_idle) is double idle)
        {
            settings = settings with { IdleTimeout = Seconds(idle) };
        }

        return settings;
    }

    private static TimeSpan Seconds(double value) => value == 0 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(value);

    private static Option<AddressRange[]> Ranges(string name, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "CIDR[:PORT[-PORT]]",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var ranges = new AddressRange[result.Tokens.Count];
                for (int i = 0; i < ranges.Length; i++)
                {
                    if (!AddressRange.TryParse(result.Tokens[i].Value, out AddressRange? range, out string? error))
                    {
                        result.AddError($"{name}: {error}");
                        return [];
                    }

                    ranges[i] = range!;
                }

                return ranges;
            },
        };
}
