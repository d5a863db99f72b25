using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>
/// The IPv4 addresses an IPv6 address carries: whoever forwards it (a NAT64 translator, a 6to4 or Teredo relay, a
/// stack that still knows IPv4-compatible addresses) may deliver to them, so the policy judges them too.
/// </summary>
public static class EmbeddedIPv4
{
    /// <summary>Adds to <paramref name="into"/> the IPv4 addresses inside a canonical IPv6 address (none for IPv4).
    /// IPv4-mapped addresses never reach here: they are IPv4 already (<see cref="DestinationPolicy.Canonical"/>).</summary>
    public static void Extract(IPAddress canonical, List<IPAddress> into)
    {
        if (canonical.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return;
        }

        Span<byte> b = stackalloc byte[16];
        canonical.TryWriteBytes(b, out _);
        if (IsZero(b.Slice(0, 12)))
        {
            // IPv4-compatible ::a.b.c.d (RFC 4291 2.5.5.1, deprecated); :: and ::1 are the unspecified and loopback
            // addresses, not 0.0.0.0 and 0.0.0.1.
            if (!IsZero(b.Slice(12, 3)) || b[15] > 1)
            {
                into.Add(new IPAddress(b.Slice(12, 4)));
            }
        }
        else if (IsZero(b.Slice(0, 8)) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
        {
            // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765).
            into.Add(new IPAddress(b.Slice(12, 4)));
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            // NAT64: 64:ff9b::/96 (RFC 6052) and 64:ff9b:1::/48 (RFC 8215). The well-known prefix always carries the
            // address in its last 32 bits; a local-use prefix's length is the operator's choice, HSS reads the /96
            // format (last 32 bits) for both.
            if (IsZero(b.Slice(4, 8)) || (b[4] == 0 && b[5] == 1))
            {
                into.Add(new IPAddress(b.Slice(12, 4)));
            }
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            // 6to4 2002:AABB:CCDD::/48 (RFC 3056): the site's IPv4 address in bits 16..47.
            into.Add(new IPAddress(b.Slice(2, 4)));
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            // Teredo 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC (RFC 4380 section 4): the server's address in bits 32..63,
            // the client's (its NAT's) address inverted in the last 32 bits.
            into.Add(new IPAddress(b.Slice(4, 4)));
            Span<byte> client = stackalloc byte[4];
            for (int i = 0; i < 4; i++)
            {
                client[i] = (byte)~b[12 + i];
            }

            into.Add(new IPAddress(client));
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;
}
