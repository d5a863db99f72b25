using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Wire;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>Socket limits on either end give the application a clear error, and the socket that hit them is not left behind.</summary>
public class LimitsTests
{
    [Fact]
    public async Task HostSocketLimitGivesEhosterrAndFreesTheSlot()
    {
        await using var rig = new Rig(LinkSetup.Named("full"), hostSettings: new HssHostSettings { MaxSocketsPerDevice = 2 });
        await using var echo = new TcpEchoServer("v4");
        HssSocketException error = await DeviceThread.Run(() =>
        {
            using HssSocket first = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            using HssSocket second = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            HssSocketException e = Assert.Throws<HssSocketException>(() => DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint));
            Assert.Equal(2, rig.Engine.SocketsInUse);   // the refused OPEN gave its slot back
            return e;
        });

        Assert.Equal(HssError.HostError, error.HssCode);
        Assert.Equal(HssDevice.SocketError.SocketError, error.SocketErrorCode);
        Assert.Equal(1, rig.Connection.Counters.SocketLimitHits);

        // Once the others are closed, a new socket works again.
        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0, "the host closed both sockets");
        await DeviceThread.Run(() =>
        {
            using HssSocket again = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            DeviceSockets.SendAll(again, new byte[] { 42 }, 1);
            Assert.Equal(new byte[] { 42 }, DeviceSockets.ReceiveExactly(again, 1));
        });
    }

    [Fact]
    public async Task DeviceSocketLimitFailsLocallyWithoutAnOpen()
    {
        await using var rig = new Rig(LinkSetup.Named("full"), new HssEngineSettings { MaxSockets = 2 });
        await using var echo = new TcpEchoServer("v6");
        HssSocketException error = await DeviceThread.Run(() =>
        {
            using HssSocket first = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            using HssSocket second = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            return Assert.Throws<HssSocketException>(() => DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint));
        });

        Assert.Equal(HssDevice.SocketError.TooManyOpenSockets, error.SocketErrorCode);
        Assert.Equal(2, rig.Connection.Counters.SocketsOpened);
    }
}
