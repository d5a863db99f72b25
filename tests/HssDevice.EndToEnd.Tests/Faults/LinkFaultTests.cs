using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Host;
using HssDevice.Host.Emulation;
using HssDevice.Host.Links;
using HssDevice.Transport;
using HssSocket = HssDevice.Sockets.HssSocket;
using Xunit;
using Xunit.Abstractions;

namespace HssDevice.EndToEnd.Tests.Faults;

/// <summary>
/// The real engine and host over a link that injects one kind of fault (seeded), on the emulated USB link and on the
/// TCP single pipe. Stalls and disconnects are faults a real link has: under them every socket delivers every byte
/// intact or fails with HssSocketException. Drops, truncation, duplicates and reordering break the link contract
/// HSS is built on (USB bulk and TCP deliver every byte once, in order; HSS has no sequence numbers or checksums,
/// docs/security.md): under them the host must stay up, nothing may hang past its timeouts, nothing but
/// HssSocketException may reach the application, and memory must return to its baseline; a stream may then come
/// back changed, and how often is written to the output. Run alone: it measures the managed heap.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Slow")]
public class LinkFaultTests
{
    private const int SocketCount = 4;
    private const int BytesPerSocket = 32 * 1024;

    private readonly ITestOutputHelper _output;

    public LinkFaultTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<LinkFault, string> Cases()
    {
        var cases = new TheoryData<LinkFault, string>();
        foreach (LinkFault fault in Enum.GetValues<LinkFault>())
        {
            cases.Add(fault, "usb");
            cases.Add(fault, "tcp");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UnderAFault_SocketsEndIntactOrWithTheDocumentedError_NothingHangs_MemoryReturns(LinkFault fault, string link)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(true);
        var outcomes = new ConcurrentBag<string>();
        int seed = (int)fault * 100 + (link == "tcp" ? 1 : 0);
        int faults;
        var started = DateTime.UtcNow;
        await using (var echo = new TcpEchoServer("v4"))
        {
            var hostSettings = new HssHostSettings { DeviceRequestTimeout = TimeSpan.FromSeconds(2), OutboundStallTimeout = TimeSpan.FromSeconds(5) }.WithLoopbackAllowed(); // echo on loopback
            await using var host = new HssHost(hostSettings);
            (IHssLink deviceLink, FaultyHostLink faulty, IAsyncDisposable? listener) = await CreateLinkAsync(link, fault, seed);
            DeviceConnection connection = host.Attach(faulty, "faulty-device");
            var engine = new HssEngine(deviceLink, new HssEngineSettings { CommandTimeoutMs = 2000, ConnectTimeoutMs = 5000, CloseLingerMs = 1000 });
            engine.Start();
            try
            {
                var work = Enumerable.Range(0, SocketCount).Select(i => DeviceThread.Run(() => outcomes.Add(RunSocket(engine, echo.EndPoint, seed + i)), "socket " + i)).ToArray();
                // DeviceThread bounds each at 60 s: a hang fails the test.
                await Task.WhenAll(work);
            }
            finally
            {
                engine.Dispose();
                if (listener != null)
                {
                    await listener.DisposeAsync();
                }
            }

            faults = faulty.Faults;
            await connection.DisposeAsync();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long after = GC.GetTotalMemory(true);
        string summary = $"{fault} on {link}: {faults} transfers hit, {(DateTime.UtcNow - started).TotalSeconds:0.0} s; sockets: {string.Join(", ", outcomes.OrderBy(o => o))}; " +
                         $"heap {baseline / 1024} KiB before, {after / 1024} KiB after";
        _output.WriteLine(summary);

        Assert.True(faults >= 1, "no fault was injected: " + summary);
        Assert.Equal(SocketCount, outcomes.Count);
        Assert.DoesNotContain(outcomes, o => o.StartsWith("unexpected"));
        if (fault is LinkFault.Stall or LinkFault.Disconnect)
        {
            Assert.DoesNotContain(outcomes, o => o.StartsWith("changed"));
        }

        if (fault == LinkFault.Stall)
        {
            Assert.All(outcomes, o => Assert.Equal("intact", o));
        }

        Assert.True(after < baseline + 16 * 1024 * 1024, summary);
    }

    /// <summary>One socket's life: echo a random stream; "intact", "changed", "failed: ERROR", or "unexpected: TYPE".</summary>
    private static string RunSocket(HssEngine engine, IPEndPoint echo, int seed)
    {
        var random = new Random(seed);
        byte[] data = new byte[BytesPerSocket];
        random.NextBytes(data);
        try
        {
            using HssSocket socket = DeviceSockets.OpenTcp(engine, echo);
            socket.ReceiveTimeout = 5000;
            socket.SendTimeout = 5000;
            Exception? sendFailure = null;
            var sender = new System.Threading.Thread(() =>
            {
                try
                {
                    for (int offset = 0; offset < data.Length;)
                    {
                        int n = Math.Min(data.Length - offset, 1 + random.Next(4096));
                        offset += socket.Send(data, offset, n, HssDevice.Sockets.SocketFlags.None);
                    }

                    DeviceSockets.ShutdownSend(socket);
                }
                catch (Exception e)
                {
                    sendFailure = e;
                }
            }) { IsBackground = true };
            sender.Start();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = DeviceSockets.ReceiveToEnd(socket, hash);
            sender.Join();
            if (sendFailure != null)
            {
                throw sendFailure;
            }

            return total == data.Length && hash.GetHashAndReset().AsSpan().SequenceEqual(SHA256.HashData(data)) ? "intact" : "changed";
        }
        catch (HssSocketException e)
        {
            return "failed: " + e.SocketErrorCode;
        }
        catch (Exception e)
        {
            return "unexpected: " + e.GetType().Name + " " + e.Message;
        }
    }

    private static async Task<(IHssLink Device, FaultyHostLink Host, IAsyncDisposable? Listener)> CreateLinkAsync(string link, LinkFault fault, int seed)
    {
        if (link == "usb")
        {
            var usb = new EmulatedUsbLink(UsbLinkOptions.FullSpeed);
            return (usb.DeviceEnd, new FaultyHostLink(usb.HostEnd, fault, seed), null);
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<Socket> accepted = listener.AcceptSocketAsync();
        StreamDeviceLink device = StreamDeviceLink.ConnectTcp((IPEndPoint)listener.LocalEndpoint);
        Socket socket = await accepted.WaitAsync(DeviceThread.Patience);
        listener.Stop();
        return (device, new FaultyHostLink(StreamHostLink.ForSocket(socket), fault, seed), null);
    }
}

/// <summary>The fault tests run alone: they measure the managed heap.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "link faults";
}
