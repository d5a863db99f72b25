using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Policy;

namespace HssDevice.Host;

using SocketError = System.Net.Sockets.SocketError;

/// <summary>
/// The peer a device's UDP socket was connected to (after the destination policy allowed it). Every datagram's
/// source is checked against it: the OS of a connected socket normally filters already, this makes it the host's
/// rule on every OS, and counts what it drops.
/// </summary>
internal sealed class UdpPeer
{
    private readonly IPEndPoint _peer;
    private readonly SocketAddress _peerAddress;
    private readonly SocketAddress _received;

    private UdpPeer(IPEndPoint peer)
    {
        _peer = peer;
        _peerAddress = peer.Serialize();
        _received = new SocketAddress(peer.AddressFamily);
    }

    /// <summary>Source of the last datagram dropped (for the log).</summary>
    public string LastStranger { get; private set; } = "?";

    public static UdpPeer Of(Socket connected) => new((IPEndPoint)connected.RemoteEndPoint!);

    /// <summary>Receives one datagram: its length (larger than the buffer means it did not fit), or -1 when it came
    /// from anyone but the peer.</summary>
    public async ValueTask<int> ReceiveAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        int received;
        try
        {
            received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, _received, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
        {
            // Windows reports a datagram larger than the buffer; Linux truncates it to the buffer's length.
            return buffer.Length + 1;
        }

        return IsPeer() ? received : -1;
    }

    private bool IsPeer()
    {
        if (_received.Equals(_peerAddress))
        {
            return true;
        }

        var source = (IPEndPoint)_peer.Create(_received);
        if (source.Port == _peer.Port && DestinationPolicy.Canonical(source.Address).Equals(DestinationPolicy.Canonical(_peer.Address)))
        {
            return true;
        }

        LastStranger = source.ToString();
        return false;
    }
}
