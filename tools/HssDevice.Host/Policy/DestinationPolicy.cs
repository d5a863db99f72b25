using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>
/// What a device may reach through the host (docs/security.md, "Destination policy"). Applied to every CONNECT, TCP
/// and UDP, and to the source of every UDP datagram delivered to a device. Evaluated in this order, first match wins:
/// <list type="number">
/// <item>The host's own HSS listeners: denied, always (a device must not attach itself to the host again).</item>
/// <item>--deny rules, in the order given: denied.</item>
/// <item>--allow rules, in the order given: allowed.</item>
/// <item>--allow-loopback: the host itself (loopback, the unspecified address, the host's own interface addresses)
///   allowed.</item>
/// <item>Defaults: the host itself, link-local, multicast, broadcast and reserved addresses denied; private ranges
///   (RFC 1918, RFC 6598 shared, ULA fc00::/7) denied; everything else (public) allowed.</item>
/// </list>
/// Addresses are compared in canonical form (<see cref="Canonical"/>): an IPv4-mapped IPv6 address is its IPv4
/// address, so every spelling of a denied address is denied. Immutable: the With… methods return a copy.
/// </summary>
public sealed class DestinationPolicy
{
    /// <summary>The HSS code a denied CONNECT is answered with (EDENIED, docs/decisions.md): outside the spec's
    /// table (0..9), so a device can tell "the host's policy forbids it" from every network error.</summary>
    public const byte DeniedCode = HssDevice.Wire.HssError.Denied;

    private static readonly AddressRange[] LinkLocal = { AddressRange.Cidr("169.254.0.0/16"), AddressRange.Cidr("fe80::/10") };

    private static readonly AddressRange[] MulticastBroadcastReserved =
    {
        AddressRange.Cidr("224.0.0.0/4"), AddressRange.Cidr("240.0.0.0/4"), AddressRange.Cidr("ff00::/8"),
        AddressRange.Cidr("0.0.0.0/8"), AddressRange.Cidr("::/96"),
    };

    private static readonly AddressRange[] Private =
    {
        AddressRange.Cidr("10.0.0.0/8"), AddressRange.Cidr("172.16.0.0/12"), AddressRange.Cidr("192.168.0.0/16"),
        AddressRange.Cidr("100.64.0.0/10"), AddressRange.Cidr("fc00::/7"),
    };

    private DestinationPolicy(bool allowLoopback, ImmutableArray<AddressRange> allow, ImmutableArray<AddressRange> deny)
    {
        AllowLoopback = allowLoopback;
        Allow = allow;
        Deny = deny;
    }

    /// <summary>Public addresses only.</summary>
    public static DestinationPolicy Default { get; } = new(false, ImmutableArray<AddressRange>.Empty, ImmutableArray<AddressRange>.Empty);

    public bool AllowLoopback { get; }

    public ImmutableArray<AddressRange> Allow { get; }

    public ImmutableArray<AddressRange> Deny { get; }

    public DestinationPolicy WithLoopbackAllowed() => new(true, Allow, Deny);

    public DestinationPolicy WithAllowed(AddressRange range) => new(AllowLoopback, Allow.Add(range), Deny);

    public DestinationPolicy WithDenied(AddressRange range) => new(AllowLoopback, Allow, Deny.Add(range));

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

    /// <summary>Decides whether a device may reach the destination; ownListeners are the host's HSS listeners.</summary>
    public DestinationDecision Evaluate(IPEndPoint destination, IReadOnlyCollection<IPEndPoint>? ownListeners = null)
    {
        IPAddress address = Canonical(destination.Address);
        int port = destination.Port;
        bool hostItself = IsHostItself(address);
        if (ownListeners != null)
        {
            foreach (IPEndPoint listener in ownListeners)
            {
                if (listener.Port == port && (Canonical(listener.Address).Equals(address) || (IsAny(listener.Address) && hostItself)))
                {
                    return DestinationDecision.Denied("the host's own HSS listener");
                }
            }
        }

        foreach (AddressRange rule in Deny)
        {
            if (rule.Contains(address, port))
            {
                return DestinationDecision.Denied("--deny " + rule.Text);
            }
        }

        foreach (AddressRange rule in Allow)
        {
            if (rule.Contains(address, port))
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

        if (Matches(LinkLocal, address))
        {
            return DestinationDecision.Denied("link-local");
        }

        if (Matches(MulticastBroadcastReserved, address) || address.Equals(IPAddress.Broadcast))
        {
            return DestinationDecision.Denied("multicast, broadcast or reserved");
        }

        if (Matches(Private, address))
        {
            return DestinationDecision.Denied("private range (RFC 1918, RFC 6598, ULA); allow it with --allow CIDR");
        }

        return DestinationDecision.Allowed("public");
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

    /// <summary>Addresses that reach this machine: loopback (all of 127/8 and ::1), the unspecified addresses (a
    /// connect to 0.0.0.0 or :: reaches loopback on Linux), and the addresses of the host's interfaces.</summary>
    private static bool IsHostItself(IPAddress canonical) =>
        IPAddress.IsLoopback(canonical) || IsAny(canonical) || LocalAddresses.Contains(canonical);

    private static bool IsAny(IPAddress address) =>
        Canonical(address).Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static bool Matches(AddressRange[] ranges, IPAddress address)
    {
        foreach (AddressRange range in ranges)
        {
            if (range.Contains(address, 0))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The policy's answer and which rule gave it (for the log).</summary>
public readonly record struct DestinationDecision(bool IsAllowed, string Rule)
{
    public static DestinationDecision Allowed(string rule) => new(true, rule);

    public static DestinationDecision Denied(string rule) => new(false, rule);
}
