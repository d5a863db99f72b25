using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// A device application that reads slowly while remote peers send as fast as they can: memory stays within the
/// configured budgets on both ends (device: ReceiveBudgetTotal; host: its window per socket and its host-to-device
/// bytes per device), and every byte arrives, in order.
/// </summary>
[Trait("Category", "Slow")]
public class SlowReaderTests
{
    private const int PeerSockets = 2;
    private const int BytesPerSocket = 2 * 1024 * 1024;   // 4 MiB in all
    private readonly ITestOutputHelper _output;

    public SlowReaderTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("full", false)]
    [InlineData("single-pipe", false)]
    [InlineData("reference-host-full", false)]   // the host ignores ACKs: only the device's budget holds it back
    [InlineData("full", true)]                   // the host offers more than the device's budget
    [InlineData("reference-device", false)]      // the host does not wait for ACKs the device never sends
    [InlineData("high-unpacked", false)]
    public async Task SlowReaderStaysWithinBudgetsAndLosesNothing(string link, bool hostOffersMore)
    {
        // Two sockets share a total budget that one socket alone could fill.
        var engineSettings = new HssEngineSettings { ReceiveBufferPerSocket = 8192, ReceiveBudgetTotal = 8192 };
        LinkSetup setup = LinkSetup.Named(link);
        HssHostSettings hostSettings = hostOffersMore
            ? setup.Host with { HostToDeviceWindow = 16384, MaxHostToDeviceBytesPerDevice = 64 * 1024 }
            : setup.Host with { HostToDeviceWindow = 8192, MaxHostToDeviceBytesPerDevice = 8192 };
        await using var rig = new Rig(setup, engineSettings, hostSettings);
        using TcpListener listener = Peers.Listen("v4");

        var peers = new Socket[PeerSockets];
        var sockets = new HssSocket[PeerSockets];
        var data = new byte[PeerSockets][];
        for (int i = 0; i < PeerSockets; i++)
        {
            Task<Socket> accepting = listener.AcceptAsync();
            sockets[i] = await DeviceThread.Run(() => DeviceSockets.OpenTcp(rig.Engine, listener.EndPoint()));
            peers[i] = await accepting;
            data[i] = RandomNumberGenerator.GetBytes(BytesPerSocket);
        }

        int maxEngineBuffered = 0, maxHostTotal = 0, maxHostSocket = 0;
        object sampleLock = new();
        void Sample(uint handle)
        {
            int engine = rig.Engine.TotalBuffered;
            int hostTotal = rig.Connection.HostToDeviceInFlightTotal;
            int hostSocket = rig.Connection.HostToDeviceInFlight(handle);
            lock (sampleLock)
            {
                maxEngineBuffered = Math.Max(maxEngineBuffered, engine);
                maxHostTotal = Math.Max(maxHostTotal, hostTotal);
                maxHostSocket = Math.Max(maxHostSocket, hostSocket);
            }
        }

        var readers = new Task<byte[]>[PeerSockets];
        for (int i = 0; i < PeerSockets; i++)
        {
            HssSocket socket = sockets[i];
            int seed = i;
            readers[i] = DeviceThread.Run(() =>
            {
                // Small reads of varying size, a pause every few reads; sampled after every read.
                var random = new Random(seed);
                byte[] buffer = new byte[700];
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long total = 0;
                for (int reads = 1; ; reads++)
                {
                    int n = socket.Receive(buffer, 0, random.Next(1, buffer.Length + 1), Sockets.SocketFlags.None);
                    Sample(socket.Handle);
                    if (n == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, n);
                    total += n;
                    if (reads % 16 == 0)
                    {
                        Thread.Sleep(1);
                    }
                }

                socket.Close();
                Assert.Equal(BytesPerSocket, total);
                return hash.GetHashAndReset();
            }, "slow reader " + i);
        }

        // The peers send everything as fast as TCP lets them, then FIN.
        var senders = new Task[PeerSockets];
        for (int i = 0; i < PeerSockets; i++)
        {
            Socket peer = peers[i];
            byte[] bytes = data[i];
            senders[i] = Task.Run(async () =>
            {
                await Peers.SendAllAsync(peer, bytes);
                peer.Shutdown(SocketShutdown.Send);
            }).WaitAsync(DeviceThread.Patience);
        }

        await Task.WhenAll(senders);
        for (int i = 0; i < PeerSockets; i++)
        {
            Assert.Equal(SHA256.HashData(data[i]), await readers[i]);
            peers[i].Dispose();
        }

        _output.WriteLine($"max buffered: device {maxEngineBuffered}/{engineSettings.ReceiveBudgetTotal}, host per device {maxHostTotal}/{hostSettings.MaxHostToDeviceBytesPerDevice}, host per socket {maxHostSocket}/{hostSettings.HostToDeviceWindow}");
        Assert.InRange(maxEngineBuffered, 0, engineSettings.ReceiveBudgetTotal);
        Assert.InRange(maxHostTotal, 0, hostSettings.MaxHostToDeviceBytesPerDevice);
        Assert.InRange(maxHostSocket, 0, hostSettings.HostToDeviceWindow);
        Assert.Equal((long)PeerSockets * BytesPerSocket, rig.Connection.Counters.BytesHostToDevice);
        Assert.Equal(0, rig.Engine.Stats.ProtocolErrors);
    }
}
