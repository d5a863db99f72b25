using HssDevice.Wire;
using Xunit;

namespace HssDevice.Host.Tests.Engine;

/// <summary>A socket's device-to-host queue: one send pass at a time (started by whoever finds it idle), items in
/// order, bounded, refused once the socket is closed.</summary>
public class HostSocketSendQueueTests
{
    private static HostSocket NewSocket(int maxQueued) =>
        new(1, HssFamily.IPv4, HssProtocol.Tcp, 4096, new ByteWindow(1 << 20), maxQueued);

    private static SendItem Item(ushort msgId) => new(HssOpcode.Transmit, msgId, new byte[1], 1);

    [Fact]
    public void OnlyTheFirstItemOnAnIdleSocketStartsAPassAndItemsComeOutInOrder()
    {
        HostSocket socket = NewSocket(8);
        Assert.Equal(SendQueueResult.StartSending, socket.QueueSend(Item(1)));
        Assert.Equal(SendQueueResult.Queued, socket.QueueSend(Item(2)));
        Assert.Equal(SendQueueResult.Queued, socket.QueueSend(Item(3)));

        Assert.True(socket.TryTakeSend(out SendItem first));
        Assert.Equal(SendQueueResult.Queued, socket.QueueSend(Item(4))); // the pass is still under way
        var order = new System.Collections.Generic.List<ushort> { first.MsgId };
        while (socket.TryTakeSend(out SendItem next))
        {
            order.Add(next.MsgId);
        }

        Assert.Equal(new ushort[] { 1, 2, 3, 4 }, order);
        // The pass ended when it found the queue empty: the next item starts a new one.
        Assert.Equal(SendQueueResult.StartSending, socket.QueueSend(Item(5)));
        socket.Dispose();
    }

    [Fact]
    public void QueueIsBoundedAndRefusesOnceDisposed()
    {
        HostSocket socket = NewSocket(2);
        Assert.Equal(SendQueueResult.StartSending, socket.QueueSend(Item(1)));
        Assert.Equal(SendQueueResult.Queued, socket.QueueSend(Item(2)));
        Assert.Equal(SendQueueResult.Full, socket.QueueSend(Item(3)));
        Assert.Equal(2, socket.QueuedSends);

        socket.Dispose();
        Assert.True(socket.TryTakeSend(out _)); // what was queued is still handed to the pass (answered ENOTCONN)
        Assert.True(socket.TryTakeSend(out _));
        Assert.False(socket.TryTakeSend(out _));
        Assert.Equal(SendQueueResult.Refused, socket.QueueSend(Item(4)));
    }
}
