using System;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;

namespace HssDevice.EndToEnd.Tests;

/// <summary>32 sockets of one device open at once, all moving data concurrently, each stream checked.</summary>
[Trait("Category", "Slow")]
public class ManySocketsTests
{
    private const int Sockets = 32;
    private const int BytesPerSocket = 64 * 1024;

    [Theory]
    [InlineData("full", "v4")]
    [InlineData("high-unpacked", "v6")]
    public async Task ThirtyTwoSocketsEchoConcurrently(string link, string family)
    {
        // Budgets scaled to 32 sockets: each keeps the default per-socket buffer and window.
        var engineSettings = new HssEngineSettings
        {
            MaxSockets = Sockets,
            ReceiveBudgetTotal = Sockets * 4096,
            MaxOutstandingRequests = Sockets * 4,
        };
        LinkSetup setup = LinkSetup.Named(link);
        HssHostSettings hostSettings = setup.Host with { MaxHostToDeviceBytesPerDevice = Sockets * 4096 };
        await using var rig = new Rig(setup, engineSettings, hostSettings);
        await using var echo = new TcpEchoServer(family);
        int hostSocketsWhileAllOpen = -1;
        int engineSocketsWhileAllOpen = -1;
        // Every socket is connected before any data moves, so all 32 transfers overlap.
        using var allConnected = new Barrier(Sockets, _ =>
        {
            hostSocketsWhileAllOpen = rig.Connection.SocketCount;
            engineSocketsWhileAllOpen = rig.Engine.SocketsInUse;
        });

        var work = new Task[Sockets];
        for (int i = 0; i < Sockets; i++)
        {
            // Distinct data per socket: a stream crossing into another socket would not match.
            byte[] data = new byte[BytesPerSocket];
            new Random(i).NextBytes(data);
            work[i] = DeviceThread.Run(() =>
            {
                using HssSocket socket = DeviceSockets.OpenTcp(rig.Engine, echo.EndPoint);
                Assert.True(allConnected.SignalAndWait(DeviceThread.Patience), "not all sockets connected");
                Task sending = DeviceThread.Run(() =>
                {
                    DeviceSockets.SendAll(socket, data, 1460);
                    DeviceSockets.ShutdownSend(socket);
                }, "sender");
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long count = DeviceSockets.ReceiveToEnd(socket, hash, 2000);
                sending.GetAwaiter().GetResult();
                Assert.Equal(BytesPerSocket, count);
                Assert.Equal(SHA256.HashData(data), hash.GetHashAndReset());
            }, "socket " + i);
        }

        await Task.WhenAll(work);
        Assert.Equal(Sockets, hostSocketsWhileAllOpen);
        Assert.Equal(Sockets, engineSocketsWhileAllOpen);
        Assert.Equal(Sockets, echo.Connections);
        Assert.Equal((long)Sockets * BytesPerSocket, rig.Connection.Counters.BytesDeviceToHost);
        Assert.Equal((long)Sockets * BytesPerSocket, rig.Connection.Counters.BytesHostToDevice);
        Assert.Equal(0, rig.Connection.Counters.BufferLimitHits);
        Assert.Equal(0, rig.Connection.Counters.SocketLimitHits);
    }
}
