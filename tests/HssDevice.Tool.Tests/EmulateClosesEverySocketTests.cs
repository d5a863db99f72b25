using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host;
using HssDevice.Host.Links;
using HssDevice.Tool.Servers;
using HssDevice.Wire;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>
/// `hss emulate` closes every socket of the sample application before it unplugs: each socket opened sees a CLOSE
/// (from the device, or from the host when the server closed first, as HTTP's does) before the link goes down, the
/// last UDP socket's included (it used to be dropped by the link going down instead).
/// </summary>
public class EmulateClosesEverySocketTests
{
    [Fact]
    public async Task Emulate_EverySocketOpenedIsClosedByTheDevice_BeforeItLeaves()
    {
        await using var servers = await LoopbackServers.StartAsync(ServerPorts.OsChosen);
        // The servers are on loopback, which the host denies to devices by default (docs/security.md).
        await using var host = new HssHost(new HssHostSettings().WithLoopbackAllowed());
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<(DeviceConnection Device, CloseCountingLink Link)> attached = Task.Run(async () =>
        {
            Socket socket = await listener.AcceptSocketAsync();
            var link = new CloseCountingLink(StreamHostLink.ForSocket(socket));
            return (host.Attach(link), link);
        });

        var v4 = AddressFamily.InterNetwork;
        var run = await ToolRun.OfAsync("emulate", "--connect", listener.LocalEndpoint.ToString()!,
            "--http", servers.Http(v4).ToString(), "--tcp-echo", servers.TcpEcho(v4).ToString(),
            "--udp-echo", servers.UdpEcho(v4).ToString(), "--bytes", "4096", "--datagrams", "4");
        (DeviceConnection device, CloseCountingLink counted) = await attached.WaitAsync(TimeSpan.FromSeconds(30));
        await device.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        listener.Stop();

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal(3, device.Counters.SocketsOpened);
        Assert.True(counted.ClosedSockets == 3, run.Output + " closed " + counted.ClosedSockets);
        Assert.Equal(3, counted.ClosedBeforeLinkDown);
        Assert.DoesNotContain("still open", run.Output);
    }

    /// <summary>Collects the handles that a CLOSE (either direction) named on a single-pipe link, until the link went down.</summary>
    private sealed class CloseCountingLink(IHostLink inner) : IHostLink
    {
        private readonly Watcher _fromDevice = new();
        private readonly Watcher _fromHost = new();
        private readonly System.Collections.Generic.HashSet<uint> _closed = new();
        private int _closedBeforeDown = -1;

        public int ClosedSockets
        {
            get { lock (_closed) { return _closed.Count; } }
        }

        public int ClosedBeforeLinkDown => Volatile.Read(ref _closedBeforeDown);

        public bool HasCommandPipe => inner.HasCommandPipe;

        public string Description => inner.Description;

        public ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken) => inner.WriteCommandAsync(packet, cancellationToken);

        public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadCommandAsync(buffer, cancellationToken);

        public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken)
        {
            lock (_fromHost)
            {
                _fromHost.See(transfer.ToArray(), _closed);
            }

            return inner.WriteDataAsync(transfer, cancellationToken);
        }

        public async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            int n = await inner.ReadDataAsync(buffer, cancellationToken);
            if (n == 0)
            {
                Interlocked.CompareExchange(ref _closedBeforeDown, ClosedSockets, -1);
                return 0;
            }

            _fromDevice.See(buffer.Slice(0, n).ToArray(), _closed);
            return n;
        }

        public ValueTask<bool> ResetAsync(CancellationToken cancellationToken) => inner.ResetAsync(cancellationToken);

        public ValueTask DisposeAsync()
        {
            Interlocked.CompareExchange(ref _closedBeforeDown, ClosedSockets, -1);
            return inner.DisposeAsync();
        }

        private sealed class Watcher
        {
            private readonly PacketReassembler _reassembler = new(65535);
            private readonly HssPacket _packet = new();

            public void See(byte[] bytes, System.Collections.Generic.HashSet<uint> closed)
            {
                for (int offset = 0; offset < bytes.Length && !_reassembler.FramingLost;)
                {
                    offset += _reassembler.Feed(bytes, offset, bytes.Length - offset);
                    if (_reassembler.HasPacket)
                    {
                        int st = _packet.Decode(_reassembler.PacketBuffer, 0, _reassembler.PacketLength, 65535);
                        if (st == DecodeStatus.Ok && _packet.Opcode == HssOpcode.Close)
                        {
                            lock (closed)
                            {
                                closed.Add(_packet.SockId);
                            }
                        }

                        _reassembler.Release();
                    }
                }
            }
        }
    }
}
