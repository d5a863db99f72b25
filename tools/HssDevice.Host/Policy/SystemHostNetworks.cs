using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Threading;

namespace HssDevice.Host.Policy;

/// <summary>
/// The addresses of this machine's interfaces, as the policy reads them: read again when the OS reports an address
/// change, and at least every second, so that a CONNECT flood does not enumerate interfaces each time while a new
/// address is not missed for long.
/// </summary>
public sealed class SystemHostNetworks : IHostNetworksSource
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly object _firstRead = new();
    private volatile HostNetworks _current = HostNetworks.None;
    private long _readAt = long.MinValue;
    private int _reading;
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

    /// <summary>The last reading. The first call reads (the others wait for it); afterwards, when the reading is
    /// stale, the caller that notices reads again (about 2 ms) while the others go on with the previous one, so no
    /// evaluation waits for the interface list.</summary>
    public HostNetworks Current
    {
        get
        {
            long readAt = Volatile.Read(ref _readAt);
            if (readAt == long.MinValue)
            {
                lock (_firstRead)
                {
                    if (Volatile.Read(ref _readAt) == long.MinValue)
                    {
                        _current = ReadOrKeep();
                        Volatile.Write(ref _readAt, Stopwatch.GetTimestamp());
                    }

                    return _current;
                }
            }

            if ((!_changed && Stopwatch.GetElapsedTime(readAt) <= MaxAge) || Interlocked.Exchange(ref _reading, 1) == 1)
            {
                return _current;
            }

            try
            {
                _changed = false; // a change during the reading sets it again: read once more next time
                _current = ReadOrKeep();
                Volatile.Write(ref _readAt, Stopwatch.GetTimestamp());
                return _current;
            }
            finally
            {
                Volatile.Write(ref _reading, 0);
            }
        }
    }

    /// <summary>Reads every unicast address of every interface, with its prefix length; throws
    /// <see cref="NetworkInformationException"/> when the OS does not give the list.</summary>
    public static HostNetworks Read()
    {
        var list = new List<InterfaceAddress>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
            {
                list.Add(new InterfaceAddress(unicast.Address, PrefixLengthOf(unicast)));
            }
        }

        return new HostNetworks(list);
    }

    /// <summary>A new reading, or the previous one when the OS does not give the list this time: an address the
    /// host had stays the host's (before any reading, only loopback and the unspecified addresses are known).</summary>
    private HostNetworks ReadOrKeep()
    {
        try
        {
            return Read();
        }
        catch (NetworkInformationException)
        {
            return _current;
        }
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
