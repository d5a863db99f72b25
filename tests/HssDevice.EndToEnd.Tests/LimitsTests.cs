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
    public async Task RefusedOpenFailsTheConnectSentRightBehindItWithTheOpensCodes()
    {
        // The device sends CONNECT behind OPEN without waiting for OPEN's ACK (issue 9); the host refuses the OPEN
        // (its socket limit) and answers the CONNECT ENOSOCK: Connect reports the OPEN's refusal, not the ENOSOCK.
        await using var rig = new Rig(LinkSetup.Named("full"), hostSettings: new HssHostSettings { MaxSocketsPerDevice = 1 });
        await using var echo = new TcpEchoServer("v4");
        HssSocketException error = await DeviceThread.Run(() =>
        {
            using HssSocket first = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            using var second = new HssSocket(rig.Engine, DeviceSockets.FamilyOf(echo.EndPoint), Sockets.SocketType.Stream, Sockets.ProtocolType.Tcp);
            HssSocketException e = Assert.Throws<HssSocketException>(() => second.Connect(DeviceSockets.ToHss(echo.EndPoint)));
            Assert.Equal(1, rig.Engine.SocketsInUse);   // the refused OPEN gave its slot back
            Assert.False(second.Connected);
            return e;
        });

        Assert.Equal(HssError.HostError, error.HssCode);
        Assert.Equal(HssDevice.SocketError.SocketError, error.SocketErrorCode);
        Assert.Equal(1, rig.Connection.Counters.SocketLimitHits);

        // The CONNECT's ENOSOCK was absorbed (matched, its slot freed), and the link goes on: a new socket works.
        await Rig.WaitUntilAsync(() => rig.Connection.SocketCount == 0, "the host closed the first socket");
        await DeviceThread.Run(() =>
        {
            using HssSocket again = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
            DeviceSockets.SendAll(again, new byte[] { 7 }, 1);
            Assert.Equal(new byte[] { 7 }, DeviceSockets.ReceiveExactly(again, 1));
        });
        Assert.Equal(0, rig.Engine.Stats.UnmatchedAnswers);
        Assert.Equal(0, rig.Engine.Stats.TimedOutRequests);
        Assert.Equal(0, rig.Connection.Counters.ProtocolErrors);
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
