using System;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace HssDevice.UsbIp;

/// <summary>
/// The URBs of one data endpoint, served one after the other as a host controller serves an endpoint's queue.
/// Bytes an IN URB took from the device just as the client unlinked it stay here for the next IN URB: on a real
/// bus they would not have left the device's FIFO.
/// </summary>
internal sealed class EndpointQueue
{
    private byte[] _carry = Array.Empty<byte>();
    private int _carryOffset;

    public EndpointQueue(byte address) => Address = address;

    public byte Address { get; }

    public Channel<PendingUrb> Urbs { get; } = Channel.CreateUnbounded<PendingUrb>(new UnboundedChannelOptions { SingleReader = true });

    public Task Worker { get; set; } = Task.CompletedTask;

    public bool HasCarry => _carryOffset < _carry.Length;

    /// <summary>Puts bytes back in front of any still carried (they came out first).</summary>
    public void SetCarry(byte[] data)
    {
        var joined = new byte[data.Length + (_carry.Length - _carryOffset)];
        data.CopyTo(joined, 0);
        _carry.AsSpan(_carryOffset).CopyTo(joined.AsSpan(data.Length));
        _carry = joined;
        _carryOffset = 0;
    }

    public byte[] TakeCarry(int max)
    {
        int take = Math.Min(max, _carry.Length - _carryOffset);
        byte[] data = _carry.AsSpan(_carryOffset, take).ToArray();
        _carryOffset += take;
        return data;
    }
}
