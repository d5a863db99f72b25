using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;

namespace HssDevice.Host;

/// <summary>What happened on one device connection; directions are named from one side: device-to-host, host-to-device.</summary>
public sealed class DeviceCounters
{
    internal long protocolErrors, unmatchedAnswers, ignoredTransmitAcks, linkResets, requestTimeouts, droppedDatagrams,
        bytesDeviceToHost, bytesHostToDevice, socketsOpened, bufferLimitHits, socketLimitHits, refusedTransmits,
        deniedDestinations, strangerDatagrams, suppressedLogMessages, transmitsDeviceToHost;

    private readonly ConcurrentDictionary<string, long> _limitHits = new();

    /// <summary>Packets dropped as malformed (docs/protocol.md section 11).</summary>
    public long ProtocolErrors => Interlocked.Read(ref protocolErrors);

    /// <summary>ACKs that matched no outstanding host request (section 9).</summary>
    public long UnmatchedAnswers => Interlocked.Read(ref unmatchedAnswers);

    /// <summary>Device ACKs of TRANSMITs dropped because the host does not wait for them (reference-compatible settings).</summary>
    public long IgnoredTransmitAcks => Interlocked.Read(ref ignoredTransmitAcks);

    /// <summary>Host TRANSMITs the device answered with an error (it takes no more data on that socket).</summary>
    public long RefusedTransmits => Interlocked.Read(ref refusedTransmits);

    public long LinkResets => Interlocked.Read(ref linkResets);

    /// <summary>SHUTDOWN or CLOSE requests to the device that got no answer in time.</summary>
    public long RequestTimeouts => Interlocked.Read(ref requestTimeouts);

    /// <summary>UDP datagrams from the network larger than the device's TRANSMIT maximum.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref droppedDatagrams);

    /// <summary>Bytes written to OS sockets for the device.</summary>
    public long BytesDeviceToHost => Interlocked.Read(ref bytesDeviceToHost);

    /// <summary>TRANSMITs the device sent (well-formed ones, whatever their answer).</summary>
    public long TransmitsDeviceToHost => Interlocked.Read(ref transmitsDeviceToHost);

    /// <summary>Bytes read from OS sockets and sent to the device.</summary>
    public long BytesHostToDevice => Interlocked.Read(ref bytesHostToDevice);

    public long SocketsOpened => Interlocked.Read(ref socketsOpened);

    /// <summary>TRANSMITs refused because the device's buffered-bytes limit was reached.</summary>
    public long BufferLimitHits => Interlocked.Read(ref bufferLimitHits);

    /// <summary>OPENs refused because the device's socket limit was reached.</summary>
    public long SocketLimitHits => Interlocked.Read(ref socketLimitHits);

    /// <summary>CONNECTs the destination policy denied (answered EDENIED, docs/security.md).</summary>
    public long DeniedDestinations => Interlocked.Read(ref deniedDestinations);

    /// <summary>UDP datagrams dropped because their source was not the socket's peer or is denied by the policy.</summary>
    public long StrangerDatagrams => Interlocked.Read(ref strangerDatagrams);

    /// <summary>Log messages about the device held back by the per-device log rate limit.</summary>
    public long SuppressedLogMessages => Interlocked.Read(ref suppressedLogMessages);

    /// <summary>How often each limit was hit, by its name (<see cref="HostLimitNames"/>).</summary>
    public IReadOnlyDictionary<string, long> LimitHits => new Dictionary<string, long>(_limitHits);

    /// <summary>Hits of one limit (0 if never).</summary>
    public long LimitHitCount(string limit) => _limitHits.TryGetValue(limit, out long hits) ? hits : 0;

    /// <summary>Counts a hit; true the first time for this limit (the caller logs only then).</summary>
    internal bool RecordLimitHit(string limit) => _limitHits.AddOrUpdate(limit, 1, (_, hits) => hits + 1) == 1;
}
