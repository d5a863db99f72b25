using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>A CIDR block with an optional port range, as written after --allow and --deny:
/// <c>10.0.0.0/8</c>, <c>10.1.2.3:1883</c>, <c>192.168.0.0/16:8000-8099</c>, <c>fd00::/8</c>, <c>[fd00::/8]:443</c>.
/// IPv4-mapped IPv6 blocks are kept as IPv4, as addresses are (<see cref="DestinationPolicy.Canonical"/>).</summary>
public sealed class AddressRange
{
    private readonly byte[] _network;

    private AddressRange(IPAddress network, int prefixLength, int firstPort, int lastPort, string text)
    {
        Network = network;
        _network = network.GetAddressBytes();
        PrefixLength = prefixLength;
        FirstPort = firstPort;
        LastPort = lastPort;
        Text = text;
    }

    public IPAddress Network { get; }

    public int PrefixLength { get; }

    public int FirstPort { get; }

    public int LastPort { get; }

    public string Text { get; }

    public static AddressRange Cidr(string cidr) => Parse(cidr);

    public static AddressRange Parse(string text)
    {
        if (!TryParse(text, out AddressRange? range, out string? error))
        {
            throw new FormatException(error);
        }

        return range!;
    }

    public static bool TryParse(string text, out AddressRange? range, out string? error)
    {
        range = null;
        error = null;
        string s = (text ?? string.Empty).Trim();
        string cidr;
        string? ports = null;
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close < 0)
            {
                error = $"'{text}': '[' without ']'";
                return false;
            }

            cidr = s.Substring(1, close - 1);
            string rest = s.Substring(close + 1);
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = $"'{text}': expected ':PORT' after ']'";
                    return false;
                }

                ports = rest.Substring(1);
            }
        }
        else
        {
            int colons = s.Split(':').Length - 1;
            if (colons == 1)
            {
                int colon = s.IndexOf(':');
                cidr = s.Substring(0, colon);
                ports = s.Substring(colon + 1);
            }
            else
            {
                cidr = s;
            }
        }

        string addressText = cidr;
        int prefix = -1;
        int slash = cidr.IndexOf('/');
        if (slash >= 0)
        {
            addressText = cidr.Substring(0, slash);
            if (!int.TryParse(cidr.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
            {
                error = $"'{text}': the prefix length after '/' is not a number";
                return false;
            }
        }

        if (!IPAddress.TryParse(addressText, out IPAddress? address) || addressText.Contains('%'))
        {
            error = $"'{text}': '{addressText}' is not an IPv4 or IPv6 address";
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
            prefix = prefix < 0 ? -1 : prefix - 96;
            if (slash >= 0 && prefix < 0)
            {
                error = $"'{text}': an IPv4-mapped block needs a prefix of at least 96";
                return false;
            }
        }

        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        prefix = prefix < 0 ? bits : prefix;
        if (prefix > bits)
        {
            error = $"'{text}': prefix /{prefix} is longer than the address ({bits} bits)";
            return false;
        }

        int first = 0;
        int last = 65535;
        if (ports != null)
        {
            string[] parts = ports.Split('-');
            if (parts.Length > 2 || !TryPort(parts[0], out first) || !TryPort(parts[^1], out last) || last < first)
            {
                error = $"'{text}': '{ports}' is not a port or a port range PORT-PORT (0..65535, first not above last)";
                return false;
            }
        }

        byte[] bytes = address.GetAddressBytes();
        Mask(bytes, prefix);
        range = new AddressRange(new IPAddress(bytes), prefix, first, last, s);
        return true;
    }

    /// <summary>True when the (canonical) address is inside the block and the port inside the range.</summary>
    public bool Contains(IPAddress canonical, int port)
    {
        if (port < FirstPort || port > LastPort || canonical.AddressFamily != Network.AddressFamily)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        canonical.TryWriteBytes(bytes, out int length);
        return Contains(bytes.Slice(0, length));
    }

    /// <summary>True when the address, as its bytes (4 for IPv4, 16 for IPv6), is inside the block.</summary>
    internal bool Contains(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != _network.Length)
        {
            return false;
        }

        int whole = PrefixLength / 8;
        for (int i = 0; i < whole; i++)
        {
            if (bytes[i] != _network[i])
            {
                return false;
            }
        }

        int rest = PrefixLength % 8;
        if (rest == 0)
        {
            return true;
        }

        int mask = 0xFF << (8 - rest) & 0xFF;
        return (bytes[whole] & mask) == _network[whole];
    }

    /// <summary>True when the (canonical) address is inside the block, whatever the port.</summary>
    public bool Contains(IPAddress canonical) => Contains(canonical, FirstPort);

    /// <summary>True when the port is inside the range.</summary>
    public bool ContainsPort(int port) => port >= FirstPort && port <= LastPort;

    /// <summary>True when the block and the other share at least one address (one contains the other).</summary>
    public bool Overlaps(AddressRange other) =>
        other.Network.AddressFamily == Network.AddressFamily && (Contains(other.Network) || other.Contains(Network));

    /// <summary>True when every address of the block is inside the other block.</summary>
    public bool IsWithin(AddressRange other) => other.PrefixLength <= PrefixLength && other.Contains(Network);

    public override string ToString() => Text;

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static void Mask(byte[] bytes, int prefix)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
    }
}
