using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>One row of the table the policy classifies by: a block, its name and source, and whether an address in
/// it may be treated as public (reachable on the Internet at large).</summary>
public sealed class SpecialPurposeBlock
{
    internal SpecialPurposeBlock(string cidr, string name, string source, bool isPublic)
    {
        Range = AddressRange.Cidr(cidr);
        Cidr = cidr;
        Name = name;
        Source = source;
        IsPublic = isPublic;
    }

    public AddressRange Range { get; }

    /// <summary>The block as written in the registry.</summary>
    public string Cidr { get; }

    public string Name { get; }

    /// <summary>The registry and RFC the row comes from (or the reason HSS departs from it).</summary>
    public string Source { get; }

    public bool IsPublic { get; }

    public override string ToString() => $"{Name} ({Cidr}, {Source})";
}

/// <summary>
/// The IANA IPv4 and IPv6 Special-Purpose Address Registries (both pages "Last Updated 2025-10-09", 25 rows each),
/// plus the address-space registries' multicast, reserved and global-unicast blocks (docs/security.md, "Destination
/// policy"). An address is classified by the longest block that contains it: public only when that block is globally
/// reachable. "N/A" and terminated rows count as not globally reachable. IPv6 outside 2000::/3 (the only block IANA
/// assigns global unicast from) is never public. The IPv4-mapped row (::ffff:0:0/96) is not in the table: the policy
/// judges a mapped address as its IPv4 address (<see cref="DestinationPolicy.Canonical"/>).
/// </summary>
public static class SpecialPurposeAddresses
{
    private const string V4 = "IANA IPv4 Special-Purpose registry";
    private const string V6 = "IANA IPv6 Special-Purpose registry";

    /// <summary>Every row, most general first (the lookup takes the longest match, order does not matter).</summary>
    public static IReadOnlyList<SpecialPurposeBlock> Blocks { get; } = new SpecialPurposeBlock[]
    {
        // IPv4 Special-Purpose Address Registry.
        new("0.0.0.0/8", "\"This network\"", V4 + ", RFC 791", false),
        new("0.0.0.0/32", "\"This host on this network\"", V4 + ", RFC 1122", false),
        new("10.0.0.0/8", "Private-Use", V4 + ", RFC 1918", false),
        new("100.64.0.0/10", "Shared Address Space", V4 + ", RFC 6598", false),
        new("127.0.0.0/8", "Loopback", V4 + ", RFC 1122", false),
        new("169.254.0.0/16", "Link Local", V4 + ", RFC 3927", false),
        new("172.16.0.0/12", "Private-Use", V4 + ", RFC 1918", false),
        new("192.0.0.0/24", "IETF Protocol Assignments", V4 + ", RFC 6890", false),
        new("192.0.0.0/29", "IPv4 Service Continuity Prefix", V4 + ", RFC 7335", false),
        new("192.0.0.8/32", "IPv4 dummy address", V4 + ", RFC 7600", false),
        new("192.0.0.9/32", "Port Control Protocol Anycast", V4 + ", RFC 7723", true),
        new("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", V4 + ", RFC 8155", true),
        new("192.0.0.170/32", "NAT64/DNS64 Discovery", V4 + ", RFC 8880", false),
        new("192.0.0.171/32", "NAT64/DNS64 Discovery", V4 + ", RFC 8880", false),
        new("192.0.2.0/24", "Documentation (TEST-NET-1)", V4 + ", RFC 5737", false),
        new("192.31.196.0/24", "AS112-v4", V4 + ", RFC 7535", true),
        new("192.52.193.0/24", "AMT", V4 + ", RFC 7450", true),
        new("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", V4 + ", RFC 7526, terminated", false),
        new("192.88.99.2/32", "6a44-relay anycast address", V4 + ", RFC 6751", false),
        new("192.168.0.0/16", "Private-Use", V4 + ", RFC 1918", false),
        new("192.175.48.0/24", "Direct Delegation AS112 Service", V4 + ", RFC 7534", true),
        new("198.18.0.0/15", "Benchmarking", V4 + ", RFC 2544", false),
        new("198.51.100.0/24", "Documentation (TEST-NET-2)", V4 + ", RFC 5737", false),
        new("203.0.113.0/24", "Documentation (TEST-NET-3)", V4 + ", RFC 5737", false),
        new("240.0.0.0/4", "Reserved", V4 + ", RFC 1112", false),
        new("255.255.255.255/32", "Limited Broadcast", V4 + ", RFC 919", false),

        // IPv4 Address Space registry: 224/8..239/8.
        new("224.0.0.0/4", "Multicast", "IANA IPv4 Address Space registry, RFC 5771", false),

        // IPv6 Address Space registry: only 2000::/3 is global unicast; the blocks named here get their own name.
        new("::/0", "Reserved by IETF (outside global unicast 2000::/3)", "IANA IPv6 Address Space registry, RFC 4291", false),
        new("2000::/3", "Global Unicast", "IANA IPv6 Address Space registry, RFC 4291", true),
        new("::/96", "IPv4-compatible (deprecated)", "IANA IPv6 Address Space registry, RFC 4291 section 2.5.5.1", false),
        new("::ffff:0:0:0/96", "IPv4-translated", "IANA IPv6 Address Space registry (::/8), RFC 2765", false),
        new("fec0::/10", "Site-local (deprecated)", "IANA IPv6 Address Space registry, RFC 3879", false),
        new("ff00::/8", "Multicast", "IANA IPv6 Address Space registry, RFC 4291", false),

        // IPv6 Special-Purpose Address Registry (::ffff:0:0/96 IPv4-mapped: judged as IPv4, see above).
        new("::1/128", "Loopback Address", V6 + ", RFC 4291", false),
        new("::/128", "Unspecified Address", V6 + ", RFC 4291", false),
        // Globally reachable in the registry; not public here: where it leads is up to a translator HSS cannot see,
        // and the IPv4 address it carries may be anything (issue 15).
        new("64:ff9b::/96", "IPv4-IPv6 Translation (NAT64 well-known prefix)", V6 + ", RFC 6052; not public in HSS", false),
        new("64:ff9b:1::/48", "IPv4-IPv6 Translation (local-use NAT64)", V6 + ", RFC 8215", false),
        new("100::/64", "Discard-Only Address Block", V6 + ", RFC 6666", false),
        new("100:0:0:1::/64", "Dummy IPv6 Prefix", V6 + ", RFC 9780", false),
        new("2001::/23", "IETF Protocol Assignments", V6 + ", RFC 2928", false),
        new("2001::/32", "TEREDO", V6 + ", RFC 4380", false),
        new("2001:1::1/128", "Port Control Protocol Anycast", V6 + ", RFC 7723", true),
        new("2001:1::2/128", "Traversal Using Relays around NAT Anycast", V6 + ", RFC 8155", true),
        new("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", V6 + ", RFC 9665", true),
        new("2001:2::/48", "Benchmarking", V6 + ", RFC 5180", false),
        new("2001:3::/32", "AMT", V6 + ", RFC 7450", true),
        new("2001:4:112::/48", "AS112-v6", V6 + ", RFC 7535", true),
        new("2001:10::/28", "Deprecated (previously ORCHID)", V6 + ", RFC 4843, terminated", false),
        new("2001:20::/28", "ORCHIDv2", V6 + ", RFC 7343", true),
        new("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", V6 + ", RFC 9374", true),
        new("2001:db8::/32", "Documentation", V6 + ", RFC 3849", false),
        new("2002::/16", "6to4", V6 + ", RFC 3056", false),
        new("2620:4f:8000::/48", "Direct Delegation AS112 Service", V6 + ", RFC 7534", true),
        new("3fff::/20", "Documentation", V6 + ", RFC 9637", false),
        new("5f00::/16", "Segment Routing (SRv6) SIDs", V6 + ", RFC 9602", false),
        new("fc00::/7", "Unique-Local", V6 + ", RFC 4193", false),
        new("fe80::/10", "Link-Local Unicast", V6 + ", RFC 4291", false),
    };

    // Longest first, per family: the first block that holds an address is its longest match.
    private static readonly SpecialPurposeBlock[] V4Blocks = ByFamily(AddressFamily.InterNetwork);
    private static readonly SpecialPurposeBlock[] V6Blocks = ByFamily(AddressFamily.InterNetworkV6);

    /// <summary>The longest block containing the (canonical) address, or null for an IPv4 address in no block
    /// (ordinary unicast, public).</summary>
    public static SpecialPurposeBlock? Classify(IPAddress canonical)
    {
        Span<byte> bytes = stackalloc byte[16];
        canonical.TryWriteBytes(bytes, out int length);
        foreach (SpecialPurposeBlock block in length == 4 ? V4Blocks : V6Blocks)
        {
            if (block.Range.Contains(bytes.Slice(0, length)))
            {
                return block;
            }
        }

        return null;
    }

    private static SpecialPurposeBlock[] ByFamily(AddressFamily family)
    {
        var list = new List<SpecialPurposeBlock>();
        foreach (SpecialPurposeBlock block in Blocks)
        {
            if (block.Range.Network.AddressFamily == family)
            {
                list.Add(block);
            }
        }

        list.Sort((a, b) => b.Range.PrefixLength.CompareTo(a.Range.PrefixLength));
        return list.ToArray();
    }

    /// <summary>True when nothing in the tables keeps the address from being public.</summary>
    public static bool IsPublic(IPAddress canonical)
    {
        SpecialPurposeBlock? block = Classify(canonical);
        return block == null ? canonical.AddressFamily == AddressFamily.InterNetwork : block.IsPublic;
    }
}
