using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Host.Emulation;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests;

/// <summary>
/// A device may send CONNECT right behind OPEN, before OPEN's ACK (connection set-up in one round trip): the host
/// handles a device's requests in the order they arrive, so the CONNECT finds the socket OPEN made; when the OPEN
/// failed, the CONNECT finds no socket and is answered ENOSOCK (docs/protocol.md sections 4, 5 and 11).
/// </summary>
public class PipelinedConnectTests
{
    public static TheoryData<string> Links => new() { "two-pipe", "two-pipe-timed", "single-pipe" };

    private static UsbLinkOptions Options(string link) => link switch
    {
        "two-pipe-timed" => UsbLinkOptions.HighSpeed with { Timing = true, InterruptIntervalMicroseconds = 125 },
        "single-pipe" => UsbLinkOptions.FullSpeed with { SinglePipe = true },
        _ => UsbLinkOptions.FullSpeed,
    };

    [Theory]
    [MemberData(nameof(Links))]
    public async Task ConnectRightBehindOpenConnects(string link)
    {
        await using var rig = new HostRig(linkOptions: Options(link));
        using TcpListener listener = Loopback.StartTcpListener("v4");
        Task<Socket> accept = listener.AcceptSocketAsync();

        ushort open = rig.Device.SendOpen(7, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        ushort connect = rig.Device.SendConnect(7, listener.EndPoint());

        Assert.Equal(HssError.Success, (await rig.Device.ExpectAckAsync(open, HssOpcode.Open)).Code);
        Assert.Equal(HssError.Success, (await rig.Device.ExpectAckAsync(connect, HssOpcode.Connect)).Code);
        using Socket peer = await accept.WaitAsync(RawDevice.Patience);

        // The socket works: data both ways.
        rig.Device.SendTransmit(7, RawDevice.Ascii("ping"));
        Assert.Equal(RawDevice.Ascii("ping"), await Loopback.ReadExactlyAsync(peer, 4));
        await peer.SendAsync(RawDevice.Ascii("pong"), SocketFlags.None);
        Assert.Equal(RawDevice.Ascii("pong"), await rig.Device.ReceiveBytesAsync(7, 4));
    }

    [Theory]
    [MemberData(nameof(Links))]
    public async Task ConnectBehindAFailedOpenIsAnsweredNoSocket(string link)
    {
        await using var rig = new HostRig(new HssHostSettings { MaxSocketsPerDevice = 1 }, Options(link));
        using TcpListener listener = Loopback.StartTcpListener("v4");

        // The first socket takes the device's only slot; the second OPEN is refused, and so its CONNECT.
        ushort firstOpen = rig.Device.SendOpen(1, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        ushort secondOpen = rig.Device.SendOpen(2, HssFamily.IPv4, HssProtocol.Tcp, HssType.Stream);
        ushort secondConnect = rig.Device.SendConnect(2, listener.EndPoint());
        // An invalid OPEN (TCP with datagram) and the CONNECT right behind it.
        ushort badOpen = rig.Device.SendOpen(3, HssFamily.IPv4, HssProtocol.Tcp, HssType.Datagram);
        ushort badConnect = rig.Device.SendConnect(3, listener.EndPoint());

        Assert.Equal(HssError.Success, (await rig.Device.ExpectAckAsync(firstOpen, HssOpcode.Open)).Code);
        Assert.Equal(HssError.HostError, (await rig.Device.ExpectAckAsync(secondOpen, HssOpcode.Open)).Code);
        Assert.Equal(HssError.NoSocket, (await rig.Device.ExpectAckAsync(secondConnect, HssOpcode.Connect)).Code);
        Assert.Equal(HssError.InvalidArgument, (await rig.Device.ExpectAckAsync(badOpen, HssOpcode.Open)).Code);
        Assert.Equal(HssError.NoSocket, (await rig.Device.ExpectAckAsync(badConnect, HssOpcode.Connect)).Code);
        Assert.Equal(1, rig.Connection.SocketCount);
    }
}
