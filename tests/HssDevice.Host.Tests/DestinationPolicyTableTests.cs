using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using HssDevice.Host.Policy;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>
/// The policy over every special-purpose block of both IANA registries, every spelling of loopback and of the host's
/// own addresses, the wildcard addresses and the addresses that carry an IPv4 address, under the default policy and
/// with --allow-loopback plus deny rules; each case both as a CONNECT destination and as a UDP datagram's source
/// (through <see cref="UdpPeer"/>, the engine's path). The expected verdicts are written here from the registries,
/// independently of the production table; <see cref="TheProductionTableHasExactlyTheRegistryRows"/> ties the two.
/// </summary>
public class DestinationPolicyTableTests
{
    private const int Port = 5000;
    private const int OtherPort = 5001;
    private const int ListenPort = 7000;

    /// <summary>IANA IPv4 and IPv6 Special-Purpose Address Registries ("Last Updated 2025-10-09"), then the address
    /// space registries' blocks; true = may be public (globally reachable). 64:ff9b::/96 is globally reachable in the
    /// registry but not public in HSS (issue 15); N/A and terminated rows are not public.</summary>
    private static readonly (string Cidr, bool Public)[] Registry =
    {
        ("0.0.0.0/8", false), ("0.0.0.0/32", false), ("10.0.0.0/8", false), ("100.64.0.0/10", false),
        ("127.0.0.0/8", false), ("169.254.0.0/16", false), ("172.16.0.0/12", false), ("192.0.0.0/24", false),
        ("192.0.0.0/29", false), ("192.0.0.8/32", false), ("192.0.0.9/32", true), ("192.0.0.10/32", true),
        ("192.0.0.170/32", false), ("192.0.0.171/32", false), ("192.0.2.0/24", false), ("192.31.196.0/24", true),
        ("192.52.193.0/24", true), ("192.88.99.0/24", false), ("192.88.99.2/32", false), ("192.168.0.0/16", false),
        ("192.175.48.0/24", true), ("198.18.0.0/15", false), ("198.51.100.0/24", false), ("203.0.113.0/24", false),
        ("240.0.0.0/4", false), ("255.255.255.255/32", false),
        ("224.0.0.0/4", false),

        ("::1/128", false), ("::/128", false), ("64:ff9b::/96", false), ("64:ff9b:1::/48", false),
        ("100::/64", false), ("100:0:0:1::/64", false), ("2001::/23", false), ("2001::/32", false),
        ("2001:1::1/128", true), ("2001:1::2/128", true), ("2001:1::3/128", true), ("2001:2::/48", false),
        ("2001:3::/32", true), ("2001:4:112::/48", true), ("2001:10::/28", false), ("2001:20::/28", true),
        ("2001:30::/28", true), ("2001:db8::/32", false), ("2002::/16", false), ("2620:4f:8000::/48", true),
        ("3fff::/20", false), ("5f00::/16", false), ("fc00::/7", false), ("fe80::/10", false),
        ("::/0", false), ("2000::/3", true), ("::/96", false), ("::ffff:0:0:0/96", false), ("fec0::/10", false),
        ("ff00::/8", false),
    };

    /// <summary>The host's interfaces, injected: loopback, a public IPv4 address (so "public" and "the host" differ),
    /// a private network (for its broadcast), a lone /32, a public and a link-local IPv6 address.</summary>
    private static readonly HostNetworks Host = new(new[]
    {
        new InterfaceAddress(IPAddress.Parse("127.0.0.1"), 8),
        new InterfaceAddress(IPAddress.Parse("::1"), 128),
        new InterfaceAddress(IPAddress.Parse("81.2.69.142"), 24),
        new InterfaceAddress(IPAddress.Parse("10.20.30.40"), 16),
        new InterfaceAddress(IPAddress.Parse("185.199.108.7"), 32),
        new InterfaceAddress(IPAddress.Parse("2a00:1450:4001:80b::200e"), 64),
        new InterfaceAddress(IPAddress.Parse("fe80::1234%2"), 64),
    });

    /// <summary>Every way to write "this host" (with the injected interfaces).</summary>
    private static readonly string[] HostSpellings =
    {
        "127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.254", "::ffff:127.0.0.1", "::ffff:127.255.255.254",
        "0.0.0.0", "::", "::ffff:0.0.0.0", "::1",
        "81.2.69.142", "::ffff:81.2.69.142", "10.20.30.40", "::ffff:10.20.30.40", "185.199.108.7",
        "2a00:1450:4001:80b::200e", "fe80::1234", "fe80::1234%2",
    };

    private static DestinationPolicy Default => DestinationPolicy.Default.WithHostNetworks(Host);

    /// <summary>--allow-loopback with a deny rule on one port for each family's loopback.</summary>
    private static DestinationPolicy LoopbackWithDenyRules => Default.WithLoopbackAllowed()
        .WithDenied(AddressRange.Parse("127.0.0.1:" + Port)).WithDenied(AddressRange.Parse("[::1]:" + Port));

    [Fact]
    public void TheProductionTableHasExactlyTheRegistryRows()
    {
        var production = SpecialPurposeAddresses.Blocks.Select(b => (b.Range.Network, b.Range.PrefixLength, b.IsPublic)).ToHashSet();
        var expected = Registry.Select(r => (IPNetwork.Parse(r.Cidr).BaseAddress, IPNetwork.Parse(r.Cidr).PrefixLength, r.Public)).ToHashSet();
        Assert.Equal(expected.OrderBy(x => x.ToString()), production.OrderBy(x => x.ToString()));
    }

    [Fact]
    public void EverySpecialPurposeBlockIsClassifiedAsTheRegistrySays()
    {
        var failures = new List<string>();
        foreach ((string cidr, _) in Registry)
        {
            foreach (IPAddress sample in Samples(IPNetwork.Parse(cidr)))
            {
                bool isPublic = ExpectedPublic(sample);
                bool host = IsHostSample(sample);

                // Default policy: exactly the public addresses.
                Check(failures, Default, sample, Port, isPublic, null, cidr + " default");

                // --allow-loopback and deny rules on Port: the host's addresses open on other ports, never on Port;
                // everything else as by default.
                Check(failures, LoopbackWithDenyRules, sample, OtherPort, isPublic || host, null, cidr + " --allow-loopback");
                Check(failures, LoopbackWithDenyRules, sample, Port, isPublic, null, cidr + " --allow-loopback --deny loopback:" + Port);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void IPv4MappedSpellingsAreJudgedAsTheirIPv4Address()
    {
        var failures = new List<string>();
        foreach ((string cidr, _) in Registry.Where(r => !r.Cidr.Contains(':')))
        {
            foreach (IPAddress sample in Samples(IPNetwork.Parse(cidr)))
            {
                IPAddress mapped = sample.MapToIPv6();
                Check(failures, Default, mapped, Port, ExpectedPublic(sample), null, cidr + " mapped, default");
                Check(failures, LoopbackWithDenyRules, mapped, Port, ExpectedPublic(sample), null, cidr + " mapped, deny rules");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EverySpellingOfTheHostIsTheHost()
    {
        var failures = new List<string>();
        IPEndPoint[] noListeners = Array.Empty<IPEndPoint>();
        foreach (string spelling in HostSpellings)
        {
            IPAddress address = IPAddress.Parse(spelling);
            Check(failures, Default, address, Port, false, noListeners, spelling + " default");
            Check(failures, Default.WithLoopbackAllowed(), address, Port, true, noListeners, spelling + " --allow-loopback");

            // A deny rule naming any address of the host stops every spelling of the host on its port, whichever
            // address the service is bound to.
            foreach (string rule in new[] { "127.0.0.1", "[::1]", "0.0.0.0", "[::]", "127.0.0.0/8", "81.2.69.142", "[2a00:1450:4001:80b::200e]", "127.255.255.254" })
            {
                DestinationPolicy policy = Default.WithLoopbackAllowed().WithDenied(AddressRange.Parse(rule + ":" + Port));
                Check(failures, policy, address, Port, false, noListeners, $"{spelling} --allow-loopback --deny {rule}:{Port}");
                Check(failures, policy, address, OtherPort, true, noListeners, $"{spelling} --allow-loopback --deny {rule}:{Port} (other port)");
            }

            // The host's own HSS listener, wherever bound, on every spelling: even --allow does not open it.
            foreach (string listening in new[] { "0.0.0.0", "::", "127.0.0.1", "::1", "81.2.69.142" })
            {
                var listener = new[] { new IPEndPoint(IPAddress.Parse(listening), ListenPort) };
                DestinationPolicy open = Default.WithLoopbackAllowed().WithAllowed(AddressRange.Parse("127.0.0.0/8")).WithAllowed(AddressRange.Parse("0.0.0.0/0"));
                Check(failures, Default, address, ListenPort, false, listener, $"{spelling} default, listener {listening}");
                Check(failures, open, address, ListenPort, false, listener, $"{spelling} open, listener {listening}");
                Check(failures, open, address, OtherPort, true, listener, $"{spelling} open, listener {listening} (other port)");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("10.99.0.1")] // private, outside the host's networks
    public void RulesNamingTheHostLeaveOtherAddressesAlone(string address)
    {
        DestinationPolicy policy = LoopbackWithDenyRules.WithAllowed(AddressRange.Parse("10.0.0.0/8"));
        var listener = new[] { new IPEndPoint(IPAddress.IPv6Any, Port) };
        Assert.True(policy.Evaluate(new IPEndPoint(IPAddress.Parse(address), Port), listener).IsAllowed);
    }

    [Theory]
    // NAT64, well-known and local-use prefixes.
    [InlineData("64:ff9b::808:808", "", false)]
    [InlineData("64:ff9b::808:808", "--allow 64:ff9b::/96", true)]
    [InlineData("64:ff9b::a00:1", "--allow 64:ff9b::/96", false)] // carries 10.0.0.1 (private)
    [InlineData("64:ff9b::7f00:1", "--allow 64:ff9b::/96", false)] // carries 127.0.0.1 (the host)
    [InlineData("64:ff9b::808:808", "--allow 64:ff9b::/96 --deny 8.8.8.8", false)]
    [InlineData("64:ff9b:1::808:808", "", false)]
    [InlineData("64:ff9b:1::808:808", "--allow 64:ff9b:1::/48", true)]
    [InlineData("64:ff9b:1::c0a8:101", "--allow 64:ff9b:1::/48", false)] // carries 192.168.1.1
    // 6to4 2002:AABB:CCDD::/48.
    [InlineData("2002:808:808::1", "", false)]
    [InlineData("2002:808:808::1", "--allow 2002::/16", true)]
    [InlineData("2002:7f00:1::1", "--allow 2002::/16", false)] // carries 127.0.0.1
    [InlineData("2002:c0a8:101::1", "--allow 2002::/16", false)] // carries 192.168.1.1
    [InlineData("2002:5102:458e::1", "--allow 2002::/16 --allow-loopback --deny 127.0.0.1", false)] // carries the host's 81.2.69.142
    // Teredo 2001:0:server:flags:port:~client.
    [InlineData("2001:0:808:808:0:0:fefe:fefe", "", false)]
    [InlineData("2001:0:808:808:0:0:fefe:fefe", "--allow 2001::/32", true)] // server 8.8.8.8, client 1.1.1.1
    [InlineData("2001:0:808:808:0:0:fefe:fefe", "--allow 2001::/32 --deny 1.1.1.1", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "--allow 2001::/32", false)] // RFC 4380's example: client 192.0.2.45
    [InlineData("2001:0:a00:1:0:0:f7f7:f7f7", "--allow 2001::/32", false)] // server 10.0.0.1
    // IPv4-translated and IPv4-compatible.
    [InlineData("::ffff:0:808:808", "", false)]
    [InlineData("::ffff:0:808:808", "--allow ::ffff:0:0:0/96", true)]
    [InlineData("::ffff:0:a00:1", "--allow ::ffff:0:0:0/96", false)]
    [InlineData("::808:808", "", false)]
    [InlineData("::7f00:1", "--allow ::/96 --deny 127.0.0.1", false)]
    [InlineData("::808:808", "--allow ::/96", true)]
    // Deprecated site-local.
    [InlineData("fec0::1", "", false)]
    public void AddressesThatCarryAnIPv4AddressAreJudgedByItToo(string address, string options, bool allowed)
    {
        DestinationPolicy policy = Parse(options);
        var endPoint = new IPEndPoint(IPAddress.Parse(address), 53);
        DestinationDecision decision = policy.Evaluate(endPoint);
        Assert.True(allowed == decision.IsAllowed, $"{address} {options}: {decision.Rule}");
        Assert.Equal(allowed, UdpPeer.For(endPoint, e => policy.Evaluate(e)).Admits(endPoint));
    }

    [Theory]
    [InlineData("10.20.255.255")] // broadcast of the host's 10.20.0.0/16
    [InlineData("10.20.0.0")] // its network address
    [InlineData("::ffff:10.20.255.255")]
    [InlineData("81.2.69.255")]
    [InlineData("255.255.255.255")]
    public void BroadcastsOfTheHostsNetworksAreDeniedEvenWhenAllowed(string address)
    {
        DestinationPolicy policy = Default.WithLoopbackAllowed().WithAllowed(AddressRange.Parse("0.0.0.0/0"));
        DestinationDecision decision = policy.Evaluate(new IPEndPoint(IPAddress.Parse(address), 9));
        Assert.False(decision.IsAllowed);
        Assert.Contains("broadcast", decision.Rule);
        Assert.True(policy.Evaluate(new IPEndPoint(IPAddress.Parse("10.20.255.254"), 9)).IsAllowed);
        Assert.True(policy.Evaluate(new IPEndPoint(IPAddress.Parse("185.199.108.8"), 9)).IsAllowed); // a /32 has none
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.20.30.40", false)] // a range that holds the host does not open the host
    [InlineData("0.0.0.0/0", "127.0.0.1", false)]
    [InlineData("::/0", "::1", false)]
    [InlineData("10.20.30.40", "10.20.30.40", true)] // naming exactly the host's address does
    [InlineData("127.0.0.1", "0.0.0.0", true)] // 0.0.0.0 connects to 127.0.0.1
    [InlineData("[::1]", "::", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    public void AnAllowRuleOpensTheHostOnlyWhenItNamesOnlyTheHost(string rule, string address, bool allowed)
    {
        DestinationPolicy policy = Default.WithAllowed(AddressRange.Parse(rule));
        Assert.Equal(allowed, policy.Evaluate(new IPEndPoint(IPAddress.Parse(address), 80)).IsAllowed);
    }

    /// <summary>The host's real addresses, read as the policy reads them: each is the host, in every spelling.</summary>
    [Fact]
    public void TheMachinesOwnAddressesAreTheHost()
    {
        HostNetworks real = SystemHostNetworks.Read();
        Assert.NotEmpty(real.Interfaces); // loopback at least
        DestinationPolicy byDefault = DestinationPolicy.Default;
        DestinationPolicy denyLoopbackPort = DestinationPolicy.Default.WithLoopbackAllowed().WithDenied(AddressRange.Parse("127.0.0.1:" + Port));
        var failures = new List<string>();
        foreach (InterfaceAddress own in real.Interfaces)
        {
            var spellings = new List<IPAddress> { own.Address };
            if (own.Address.AddressFamily == AddressFamily.InterNetwork)
            {
                spellings.Add(own.Address.MapToIPv6());
            }

            foreach (IPAddress spelling in spellings)
            {
                Check(failures, byDefault, spelling, Port, false, null, spelling + " (own) default");
                Check(failures, denyLoopbackPort, spelling, Port, false, null, spelling + " (own) --allow-loopback --deny 127.0.0.1:" + Port);
                Check(failures, denyLoopbackPort, spelling, OtherPort, true, null, spelling + " (own) --allow-loopback");
            }

            if (own.Address.AddressFamily == AddressFamily.InterNetwork && own.PrefixLength <= 30)
            {
                IPAddress broadcast = Broadcast(own);
                Check(failures, byDefault.WithAllowed(AddressRange.Parse("0.0.0.0/0")), broadcast, Port, false, null, broadcast + " (own broadcast)");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Check(List<string> failures, DestinationPolicy policy, IPAddress address, int port, bool allowed, IPEndPoint[]? listeners, string what)
    {
        var endPoint = new IPEndPoint(address, port);
        DestinationDecision connect = policy.Evaluate(endPoint, listeners);
        if (connect.IsAllowed != allowed)
        {
            failures.Add($"CONNECT {endPoint} ({what}): {(connect.IsAllowed ? "allowed" : "denied")} by {connect.Rule}");
        }

        // The same endpoint as the source of a datagram on a socket connected to it, through the engine's check.
        bool admitted = UdpPeer.For(endPoint, source => policy.Evaluate(source, listeners)).Admits(endPoint);
        if (admitted != allowed)
        {
            failures.Add($"UDP source {endPoint} ({what}): {(admitted ? "admitted" : "dropped")}");
        }
    }

    /// <summary>Public by the registry table above: the longest block that holds it says; IPv4 outside every block is
    /// public. The host's own addresses are never samples here except in 127/8 and the unspecified addresses.</summary>
    private static bool ExpectedPublic(IPAddress address)
    {
        IPAddress plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        (string Cidr, bool Public)? best = null;
        int bestLength = -1;
        foreach ((string cidr, bool isPublic) in Registry)
        {
            IPNetwork network = IPNetwork.Parse(cidr);
            if (network.Contains(plain) && network.PrefixLength > bestLength)
            {
                best = (cidr, isPublic);
                bestLength = network.PrefixLength;
            }
        }

        return best?.Public ?? plain.AddressFamily == AddressFamily.InterNetwork;
    }

    /// <summary>A sample that is the host itself: loopback (not 127/8's network and broadcast addresses, which the
    /// injected 127.0.0.1/8 makes broadcasts) and the unspecified addresses.</summary>
    private static bool IsHostSample(IPAddress address) =>
        address.ToString() is "0.0.0.0" or "::" or "::1"
        || (IPNetwork.Parse("127.0.0.0/8").Contains(address) && address.ToString() is not ("127.0.0.0" or "127.255.255.255"));

    /// <summary>The first, second and last address of a block.</summary>
    private static IEnumerable<IPAddress> Samples(IPNetwork network)
    {
        byte[] first = network.BaseAddress.GetAddressBytes();
        byte[] last = (byte[])first.Clone();
        for (int bit = network.PrefixLength; bit < first.Length * 8; bit++)
        {
            last[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        yield return new IPAddress(first);
        if (network.PrefixLength < first.Length * 8)
        {
            byte[] second = (byte[])first.Clone();
            second[^1] |= 1;
            yield return new IPAddress(second);
            yield return new IPAddress(last);
        }
    }

    private static IPAddress Broadcast(InterfaceAddress own)
    {
        byte[] bytes = own.Address.GetAddressBytes();
        for (int bit = own.PrefixLength; bit < 32; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }

    /// <summary>"--allow X --deny Y --allow-loopback" over the injected host.</summary>
    private static DestinationPolicy Parse(string options)
    {
        DestinationPolicy policy = Default;
        string[] words = options.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            policy = words[i] switch
            {
                "--allow" => policy.WithAllowed(AddressRange.Parse(words[++i])),
                "--deny" => policy.WithDenied(AddressRange.Parse(words[++i])),
                "--allow-loopback" => policy.WithLoopbackAllowed(),
                _ => throw new ArgumentException(words[i]),
            };
        }

        return policy;
    }
}
