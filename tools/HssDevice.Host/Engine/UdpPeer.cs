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
/// rule on every OS, and counts what it drops. The source then goes through the destination policy itself (the
/// same evaluation as a CONNECT): what was allowed at CONNECT may be denied now (the host gained the address, or
/// listens on that port).
/// </summary>
internal sealed class UdpPeer
{
    private readonly IPEndPoint _peer;
    private readonly SocketAddress _peerAddress;
    private readonly SocketAddress _received;
    private readonly Func<IPEndPoint, DestinationDecision> _policy;

    private UdpPeer(IPEndPoint peer, Func<IPEndPoint, DestinationDecision> policy)
    {
        _peer = peer;
        _policy = policy;
        _peerAddress = peer.Serialize();
        _received = new SocketAddress(peer.AddressFamily);
    }

    /// <summary>Source of the last datagram dropped, and why (for the log).</summary>
    public string LastStranger { get; private set; } = "?";

    /// <summary>The peer of a connected socket; policy is the destination policy's evaluation of a source.</summary>
    public static UdpPeer Of(Socket connected, Func<IPEndPoint, DestinationDecision> policy) =>
        new((IPEndPoint)connected.RemoteEndPoint!, policy);

    /// <summary>Receives one datagram: its length (larger than the buffer means it did not fit), or -1 when it came
    /// from anyone but the peer or from a source the destination policy denies.</summary>
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

    /// <summary>The peer and policy check for an endpoint, without a socket (tests).</summary>
    internal static UdpPeer For(IPEndPoint peer, Func<IPEndPoint, DestinationDecision> policy) => new(peer, policy);

    // The usual case, a datagram from the peer's exact address, needs no new endpoint.
    private bool IsPeer() => Admits(_received.Equals(_peerAddress) ? _peer : (IPEndPoint)_peer.Create(_received));

    /// <summary>True when a datagram from this source may be delivered: it is the peer, and the policy allows it.</summary>
    internal bool Admits(IPEndPoint source)
    {
        if (!(source.Port == _peer.Port && DestinationPolicy.Canonical(source.Address).Equals(DestinationPolicy.Canonical(_peer.Address))))
        {
            LastStranger = source + ", not its peer";
            return false;
        }

        DestinationDecision decision = _policy(source);
        if (!decision.IsAllowed)
        {
            LastStranger = source + ", denied by the destination policy (" + decision.Rule + ")";
            return false;
        }

        return true;
    }
}
