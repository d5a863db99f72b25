using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;

namespace HssDevice.Host.Policy;

/// <summary>The addresses of this machine's interfaces (a device connecting to one reaches the host's own services),
/// read again at most every few seconds so that a CONNECT flood does not enumerate interfaces each time.</summary>
internal static class LocalAddresses
{
    private static readonly object Lock = new();
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private static HashSet<IPAddress> _addresses = new();
    private static long _readAt = long.MinValue;

    public static bool Contains(IPAddress canonical)
    {
        lock (Lock)
        {
            if (_readAt == long.MinValue || Stopwatch.GetElapsedTime(_readAt) > MaxAge)
            {
                _addresses = Read();
                _readAt = Stopwatch.GetTimestamp();
            }

            return _addresses.Contains(canonical);
        }
    }

    private static HashSet<IPAddress> Read()
    {
        var set = new HashSet<IPAddress>();
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    set.Add(DestinationPolicy.Canonical(unicast.Address));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Without the list, loopback and unspecified are still recognised by value.
        }

        return set;
    }
}
