using System.Net.Sockets;
using HssDevice.Wire;

namespace HssDevice.Host;

using SocketError = System.Net.Sockets.SocketError;

/// <summary>OS socket errors to HSS codes, in one switch each (docs/protocol.md sections 4, 5, 10).</summary>
public static class SocketErrorMap
{
    /// <summary>The CONNECT answer for an OS connect error.</summary>
    public static byte ForConnect(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => HssError.ConnectionRefused,
        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown => HssError.NetworkUnreachable,
        SocketError.TimedOut => HssError.TimedOut,
        _ => HssError.HostError,
    };

    /// <summary>The OPEN answer when the OS cannot create the socket.</summary>
    public static byte ForOpen(SocketError error) => error switch
    {
        SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported or SocketError.ProtocolFamilyNotSupported
            or SocketError.SocketNotSupported or SocketError.ProtocolType => HssError.ProtocolNotSupported,
        _ => HssError.HostError,
    };
}
