using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;

namespace HssDevice.Host.Policy;

/// <summary>One address of one of the host's interfaces, with its prefix length (the network it is on).</summary>
public readonly record struct InterfaceAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>Where the policy learns the host's own addresses: the system's interfaces (<see cref="SystemHostNetworks"/>)
/// or, in tests, a fixed <see cref="HostNetworks"/>.</summary>
public interface IHostNetworksSource
{
    HostNetworks Current { get; }
}

/// <summary>
/// The host's own addresses at one moment: a device connecting to one of them reaches this machine's services; the
/// broadcast addresses of the host's IPv4 networks (prefix /30 or shorter) reach every machine on that network at
/// once; the network address (all host bits zero) is counted with them, as older stacks broadcast on it too.
/// Immutable; it is its own source, so tests inject one directly.
/// </summary>
public sealed class HostNetworks : IHostNetworksSource
{
    private readonly HashSet<IPAddress> _own = new();
    private readonly HashSet<IPAddress> _broadcasts = new();

    public HostNetworks(IEnumerable<InterfaceAddress> interfaces)
    {
        var list = new List<InterfaceAddress>();
        foreach (InterfaceAddress entry in interfaces)
        {
            IPAddress address = DestinationPolicy.Canonical(entry.Address);
            int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            // A mapped address's prefix counts the 96 mapping bits.
            int prefix = entry.Address.IsIPv4MappedToIPv6 ? entry.PrefixLength - 96 : entry.PrefixLength;
            prefix = Math.Clamp(prefix, 0, bits);
            list.Add(new InterfaceAddress(address, prefix));
            _own.Add(address);
            if (bits == 32 && prefix <= 30)
            {
                byte[] network = address.GetAddressBytes();
                byte[] broadcast = address.GetAddressBytes();
                for (int i = 0; i < 4; i++)
                {
                    int keep = Math.Clamp(prefix - i * 8, 0, 8);
                    byte mask = (byte)(0xFF << (8 - keep));
                    network[i] &= mask;
                    broadcast[i] |= (byte)~mask;
                }

                _broadcasts.Add(new IPAddress(network));
                _broadcasts.Add(new IPAddress(broadcast));
            }
        }

        Interfaces = list;
    }

    /// <summary>No interface addresses known: loopback and the unspecified addresses are still recognised by value.</summary>
    public static HostNetworks None { get; } = new(Array.Empty<InterfaceAddress>());

    public IReadOnlyList<InterfaceAddress> Interfaces { get; }

    HostNetworks IHostNetworksSource.Current => this;

    /// <summary>True for an address of one of the host's interfaces (canonical form).</summary>
    public bool IsOwnAddress(IPAddress canonical) => _own.Contains(canonical);

    /// <summary>True for the network or broadcast address of one of the host's IPv4 networks.</summary>
    public bool IsOwnNetworkBroadcast(IPAddress canonical) => _broadcasts.Contains(canonical) && !_own.Contains(canonical);

    public override string ToString() => string.Join(", ", Interfaces);
}
