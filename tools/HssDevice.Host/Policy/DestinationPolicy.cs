using System.Collections.Generic;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>
/// What a device may reach through the host (docs/security.md, "Destination policy"). <see cref="Evaluate"/> is the one
/// place the rule lives: every CONNECT (TCP and UDP) and the source of every UDP datagram delivered to a device go
/// through it, and so must name-resolution answers and accepted peers of listening sockets when HSS gains them.
/// <para>Every rule is evaluated on what the kernel will connect to, not on the spelling the device sent: an
/// IPv4-mapped address is its IPv4 address, 0.0.0.0 is 127.0.0.1 and :: is ::1 (Linux connects them to loopback), and
/// an IPv6 address that carries an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible, IPv4-translated) is judged by
/// that IPv4 address too: it is allowed only when every address it stands for is.</para>
/// First match wins:
/// <list type="number">
/// <item>The host's own HSS listeners: on their port, every address that reaches the host is denied, always.</item>
/// <item>--deny rules, in order. A rule that names an address of the host (loopback, 0.0.0.0, ::, an interface
///   address) denies, on its ports, every address that reaches the host: whether the service it names is bound to that
///   address or to the wildcard is not visible from here.</item>
/// <item>Broadcasts (255.255.255.255, the network and broadcast addresses of the host's own IPv4 networks): denied.</item>
/// <item>--allow rules, in order. A rule opens an address of the host only when it names nothing but the host
///   (inside 127.0.0.0/8, or exactly ::1 or an interface address).</item>
/// <item>--allow-loopback: the host itself (loopback, unspecified, own interface addresses) allowed.</item>
/// <item>Defaults: the host itself denied; every block of <see cref="SpecialPurposeAddresses"/> that is not
///   globally reachable denied; everything else (public) allowed.</item>
/// </list>
/// Immutable: the With… methods return a copy.
/// </summary>
public sealed class DestinationPolicy
{
    /// <summary>The HSS code a denied CONNECT is answered with (EDENIED, docs/decisions.md): outside the spec's
    /// table (0..9), so a device can tell "the host's policy forbids it" from every network error.</summary>
    public const byte DeniedCode = HssDevice.Wire.HssError.Denied;

    private static readonly AddressRange LoopbackV4 = AddressRange.Cidr("127.0.0.0/8");
    private static readonly AddressRange MulticastV4 = AddressRange.Cidr("224.0.0.0/4");
    private static readonly AddressRange MulticastV6 = AddressRange.Cidr("ff00::/8");
    private static readonly IPAddress LimitedBroadcast = IPAddress.Broadcast;

    private readonly IHostNetworksSource _hostNetworks;

    private DestinationPolicy(bool allowLoopback, ImmutableArray<AddressRange> allow, ImmutableArray<AddressRange> deny, IHostNetworksSource hostNetworks)
    {
        AllowLoopback = allowLoopback;
        Allow = allow;
        Deny = deny;
        _hostNetworks = hostNetworks;
    }

    /// <summary>Public addresses only; the host's addresses read from its interfaces.</summary>
    public static DestinationPolicy Default { get; } =
        new(false, ImmutableArray<AddressRange>.Empty, ImmutableArray<AddressRange>.Empty, SystemHostNetworks.Instance);

    public bool AllowLoopback { get; }

    public ImmutableArray<AddressRange> Allow { get; }

    public ImmutableArray<AddressRange> Deny { get; }

    /// <summary>The host's own addresses as the policy sees them now.</summary>
    public HostNetworks HostNetworks => _hostNetworks.Current;

    public DestinationPolicy WithLoopbackAllowed() => new(true, Allow, Deny, _hostNetworks);

    public DestinationPolicy WithAllowed(AddressRange range) => new(AllowLoopback, Allow.Add(range), Deny, _hostNetworks);

    public DestinationPolicy WithDenied(AddressRange range) => new(AllowLoopback, Allow, Deny.Add(range), _hostNetworks);

    /// <summary>The same rules over other host addresses (tests inject a fixed <see cref="Policy.HostNetworks"/>).</summary>
    public DestinationPolicy WithHostNetworks(IHostNetworksSource source) => new(AllowLoopback, Allow, Deny, source);

    /// <summary>The form addresses are compared in: IPv4-mapped IPv6 as IPv4, scope dropped.</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    /// <summary>The address the kernel connects a socket aimed at this one to: the canonical form, with the
    /// unspecified addresses replaced by loopback (Linux: 0.0.0.0 connects to 127.0.0.1, :: to ::1).</summary>
    public static IPAddress KernelTarget(IPAddress address)
    {
        IPAddress canonical = Canonical(address);
        if (canonical.Equals(IPAddress.Any))
        {
            return IPAddress.Loopback;
        }

        return canonical.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : canonical;
    }

    /// <summary>
    /// Decides whether a device may exchange data with this remote end: a CONNECT's destination, a datagram's source
    /// (and, when they come, a resolved address or an accepted peer). ownListeners are the host's HSS listeners.
    /// </summary>
    public DestinationDecision Evaluate(IPEndPoint remote, IReadOnlyCollection<IPEndPoint>? ownListeners = null)
    {
        HostNetworks host = _hostNetworks.Current;
        IPAddress target = KernelTarget(remote.Address);
        int port = remote.Port;
        var judged = new List<IPAddress>(3) { target };
        EmbeddedIPv4.Extract(target, judged);

        if (ownListeners != null)
        {
            foreach (IPEndPoint listener in ownListeners)
            {
                if (listener.Port != port)
                {
                    continue;
                }

                IPAddress listening = KernelTarget(listener.Address);
                foreach (IPAddress address in judged)
                {
                    if (address.Equals(listening) || ReachesHost(address, host))
                    {
                        return DestinationDecision.Denied($"the host's own HSS listener {listener} ({address} reaches the host)");
                    }
                }
            }
        }

        foreach (AddressRange rule in Deny)
        {
            if (!rule.ContainsPort(port))
            {
                continue;
            }

            bool namesHost = NamesHost(rule, host);
            foreach (IPAddress address in judged)
            {
                if (rule.Contains(address))
                {
                    return DestinationDecision.Denied("--deny " + rule.Text + Inside(address, target));
                }

                if (namesHost && ReachesHost(address, host))
                {
                    return DestinationDecision.Denied($"--deny {rule.Text} (it names the host, and {address} reaches the host)");
                }
            }
        }

        DestinationDecision decision = default;
        foreach (IPAddress address in judged)
        {
            DestinationDecision one = Judge(address, port, host);
            if (!one.IsAllowed)
            {
                return DestinationDecision.Denied(one.Rule + Inside(address, target));
            }

            if (decision.Rule == null)
            {
                decision = one;
            }
        }

        return decision;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        foreach (AddressRange rule in Deny)
        {
            parts.Add("--deny " + rule.Text);
        }

        foreach (AddressRange rule in Allow)
        {
            parts.Add("--allow " + rule.Text);
        }

        if (AllowLoopback)
        {
            parts.Add("--allow-loopback");
        }

        return parts.Count == 0 ? "default (public only)" : string.Join(' ', parts);
    }

    /// <summary>Rules 3 to 6 for one address (the destination itself, or an IPv4 address it carries).</summary>
    private DestinationDecision Judge(IPAddress address, int port, HostNetworks host)
    {
        if (address.Equals(LimitedBroadcast) || host.IsOwnNetworkBroadcast(address))
        {
            return DestinationDecision.Denied("broadcast (the limited broadcast, or the network or broadcast address of one of the host's networks)");
        }

        bool hostItself = IsHostItself(address, host);
        foreach (AddressRange rule in Allow)
        {
            if (rule.Contains(address, port) && (!hostItself || NamesOnlyHost(rule, host)))
            {
                return DestinationDecision.Allowed("--allow " + rule.Text);
            }
        }

        if (hostItself)
        {
            return AllowLoopback
                ? DestinationDecision.Allowed("--allow-loopback")
                : DestinationDecision.Denied("the host itself (loopback, unspecified or own address); --allow-loopback allows it");
        }

        SpecialPurposeBlock? block = SpecialPurposeAddresses.Classify(address);
        if (block == null ? address.AddressFamily == AddressFamily.InterNetwork : block.IsPublic)
        {
            return DestinationDecision.Allowed("public");
        }

        return DestinationDecision.Denied($"not globally reachable: {block}; --allow CIDR opens it");
    }

    private static string Inside(IPAddress address, IPAddress target) =>
        address.Equals(target) ? string.Empty : $" (the IPv4 address {address} inside {target})";

    /// <summary>Loopback (all of 127/8 and ::1), the unspecified addresses, the host's interface addresses.</summary>
    private static bool IsHostItself(IPAddress canonical, HostNetworks host) =>
        canonical.AddressFamily == AddressFamily.InterNetwork
            ? LoopbackV4.Contains(canonical) || canonical.Equals(IPAddress.Any) || host.IsOwnAddress(canonical)
            : canonical.Equals(IPAddress.IPv6Loopback) || canonical.Equals(IPAddress.IPv6Any) || host.IsOwnAddress(canonical);

    /// <summary>Addresses a packet to which may be delivered to a socket of this host: the host itself, and the
    /// broadcasts and multicasts the host receives its own copy of.</summary>
    private static bool ReachesHost(IPAddress canonical, HostNetworks host) =>
        IsHostItself(canonical, host) || canonical.Equals(LimitedBroadcast) || host.IsOwnNetworkBroadcast(canonical)
        || MulticastV4.Contains(canonical) || MulticastV6.Contains(canonical);

    /// <summary>True when the rule's block holds at least one address of the host.</summary>
    private static bool NamesHost(AddressRange rule, HostNetworks host)
    {
        if (rule.Network.AddressFamily == AddressFamily.InterNetwork
            ? rule.Overlaps(LoopbackV4) || rule.Contains(IPAddress.Any)
            : rule.Contains(IPAddress.IPv6Loopback) || rule.Contains(IPAddress.IPv6Any))
        {
            return true;
        }

        foreach (InterfaceAddress own in host.Interfaces)
        {
            if (rule.Contains(own.Address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every address of the rule's block is the host's: inside 127.0.0.0/8, or a single
    /// address of the host.</summary>
    private static bool NamesOnlyHost(AddressRange rule, HostNetworks host)
    {
        if (rule.IsWithin(LoopbackV4))
        {
            return true;
        }

        int bits = rule.Network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return rule.PrefixLength == bits && IsHostItself(rule.Network, host);
    }
}

/// <summary>The policy's answer and which rule gave it (for the log).</summary>
public readonly record struct DestinationDecision(bool IsAllowed, string Rule)
{
    public static DestinationDecision Allowed(string rule) => new(true, rule);

    public static DestinationDecision Denied(string rule) => new(false, rule);
}
