using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Host.Links;
using Xunit;

namespace HssDevice.Host.Tests.Engine;

/// <summary>The link writer: answers ready together go out in one pass, in order, with no task waiting on an idle
/// lane; the outbound bound still holds while the link takes nothing.</summary>
public class LinkWriterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A link whose command writes wait on a gate while it is closed; records what was written, in order.</summary>
    private sealed class GatedLink : IHostLink
    {
        private readonly object _lock = new();
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _open = true;

        public List<byte> Commands { get; } = new();
        public List<byte[]> DataTransfers { get; } = new();
        public int CommandWriteThreads => _threads.Count;
        private readonly HashSet<int> _threads = new();

        public bool HasCommandPipe => true;
        public string Description => "gated test link";

        public void Close()
        {
            lock (_lock)
            {
                _open = false;
                _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Open()
        {
            TaskCompletionSource gate;
            lock (_lock)
            {
                _open = true;
                gate = _gate;
            }

            gate.TrySetResult();
        }

        public async ValueTask WriteCommandAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
        {
            Task wait;
            lock (_lock)
            {
                wait = _open ? Task.CompletedTask : _gate.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                Commands.Add(packet.Span[0]);
                _threads.Add(Environment.CurrentManagedThreadId);
            }
        }

        public ValueTask WriteDataAsync(ReadOnlyMemory<byte> transfer, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                DataTransfers.Add(transfer.ToArray());
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<int> ReadCommandAsync(Memory<byte> buffer, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask<bool> ResetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static byte[] Packet(byte first, int length = 12)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        buffer[0] = first;
        return buffer;
    }

    private static async Task Until(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(5);
        }
    }

    [Fact]
    public void AnAnswerToAnIdleLaneIsWrittenAtOnceOnTheQueuingThread()
    {
        var link = new GatedLink();
        var writer = new LinkWriter(link, pack: true, maxTransfer: 1024, () => 0, new OutboundQueue(1 << 20, 1000));
        writer.Start(CancellationToken.None);

        writer.EnqueueCommand(Packet(1), 12);

        // Written before EnqueueCommand returned: no task or thread-pool item stood between.
        Assert.Equal(new byte[] { 1 }, link.Commands.ToArray());
        Assert.Equal(0, writer.Queue.Packets);
        Assert.Equal(1, writer.Passes);
    }

    [Fact]
    public async Task AnswersQueuedWhileTheLinkIsBusyGoOutInOnePassInOrder()
    {
        var link = new GatedLink();
        var writer = new LinkWriter(link, pack: true, maxTransfer: 1024, () => 0, new OutboundQueue(1 << 20, 1000));
        writer.Start(CancellationToken.None);
        link.Close();

        writer.EnqueueCommand(Packet(0), 12); // starts the pass; its write waits on the link
        for (byte i = 1; i < 50; i++)
        {
            writer.EnqueueCommand(Packet(i), 12);
        }

        Assert.Equal(50, writer.Queue.Packets);
        link.Open();
        await Until(() => writer.Queue.Packets == 0);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i).ToArray(), link.Commands.ToArray());
        Assert.Equal(1, writer.Passes);
    }

    [Fact]
    public async Task OutboundBoundHoldsWhileTheLinkTakesNothingAndRoomComesBackWhenItDoes()
    {
        var link = new GatedLink();
        var queue = new OutboundQueue(maxBytes: 64 * 10, maxPackets: 1000);
        var writer = new LinkWriter(link, pack: true, maxTransfer: 1024, () => 0, queue);
        writer.Start(CancellationToken.None);
        link.Close();
        for (byte i = 0; i < 10; i++)
        {
            writer.EnqueueCommand(Packet(i), 12);
        }

        Assert.Equal(HostLimitNames.OutboundBytes, queue.FullBound);
        Task<bool> room = queue.WaitForRoomAsync(Patience, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(room.IsCompleted);

        link.Open();
        Assert.True(await room.WaitAsync(Patience));
        await Until(() => queue.Packets == 0);
        Assert.Equal(10, link.Commands.Count);
    }

    [Fact]
    public void PacketsQueuedBeforeStartAreWrittenAtStartAndDataIsPacked()
    {
        var link = new GatedLink();
        var writer = new LinkWriter(link, pack: true, maxTransfer: 1024, () => 0, new OutboundQueue(1 << 20, 1000));
        writer.EnqueueCommand(Packet(9), 12);
        writer.EnqueueData(Packet(1, 100), 100, null, 0);
        writer.EnqueueData(Packet(2, 100), 100, null, 0);
        Assert.Empty(link.Commands);
        Assert.Empty(link.DataTransfers);

        writer.Start(CancellationToken.None);

        Assert.Equal(new byte[] { 9 }, link.Commands.ToArray());
        byte[] transfer = Assert.Single(link.DataTransfers);
        Assert.Equal(200, transfer.Length);
        Assert.Equal(1, transfer[0]);
        Assert.Equal(2, transfer[100]);
    }

    [Fact]
    public async Task CompleteEndsTheLanesAndLaterPacketsGoBackAtOnce()
    {
        var link = new GatedLink();
        var queue = new OutboundQueue(1 << 20, 1000);
        var writer = new LinkWriter(link, pack: true, maxTransfer: 1024, () => 0, queue);
        Task[] lanes = writer.Start(CancellationToken.None);
        writer.Complete();
        await Task.WhenAll(lanes).WaitAsync(Patience);

        writer.EnqueueCommand(Packet(1), 12);
        Assert.Equal(0, queue.Packets);
        Assert.Empty(link.Commands);
    }
}
