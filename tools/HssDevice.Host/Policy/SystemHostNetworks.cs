using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.NetworkInformation;

namespace HssDevice.Host.Policy;

/// <summary>
/// The addresses of this machine's interfaces, as the policy reads them: read again when the OS reports an address
/// change, and at least every second, so that a CONNECT flood does not enumerate interfaces each time while a new
/// address is not missed for long.
/// </summary>
public sealed class SystemHostNetworks : IHostNetworksSource
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly object _lock = new();
    private HostNetworks _current = HostNetworks.None;
    private long _readAt = long.MinValue;
    private volatile bool _changed;

    private SystemHostNetworks()
    {
        try
        {
            NetworkChange.NetworkAddressChanged += (_, _) => _changed = true;
        }
        catch (Exception)
        {
            // Whatever keeps the OS from reporting changes (no netlink socket, an unsupported platform), the
            // one-second re-read still applies: a missed event only delays seeing a new address.
        }
    }

    public static SystemHostNetworks Instance { get; } = new();

    public HostNetworks Current
    {
        get
        {
            lock (_lock)
            {
                if (_changed || _readAt == long.MinValue || Stopwatch.GetElapsedTime(_readAt) > MaxAge)
                {
                    _changed = false;
                    _current = Read();
                    _readAt = Stopwatch.GetTimestamp();
                }

                return _current;
            }
        }
    }

    /// <summary>Reads every unicast address of every interface, with its prefix length.</summary>
    public static HostNetworks Read()
    {
        var list = new List<InterfaceAddress>();
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    list.Add(new InterfaceAddress(unicast.Address, PrefixLengthOf(unicast)));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Without the list, loopback and the unspecified addresses are still recognised by value.
        }

        return new HostNetworks(list);
    }

    private static int PrefixLengthOf(UnicastIPAddressInformation unicast)
    {
        try
        {
            return unicast.PrefixLength;
        }
        catch (Exception e) when (e is PlatformNotSupportedException or NotImplementedException)
        {
            // No prefix known: the address alone is still the host's; no network broadcast is derived (/32, /128).
            return unicast.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        }
    }
}
