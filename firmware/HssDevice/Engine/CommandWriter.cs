using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// Everything the device writes as a command (docs/protocol.md section 3): requests (OPEN, CONNECT, SHUTDOWN,
    /// CLOSE) and answers to the host's requests, batches of TRANSMIT ACKs included. One buffer under one lock; on
    /// a single-pipe link commands go on the data pipe under its lock. A failed write is a link reset.
    /// </summary>
    internal sealed class CommandWriter
    {
        private readonly EngineContext _context;
        private readonly LinkFailure _failure;

        /// <summary>Held while Buffer is built and written; taken before DataWriteLock and Sync.</summary>
        public readonly object Lock = new object();

        /// <summary>The command being built; only with Lock held.</summary>
        public readonly byte[] Buffer = new byte[HssLayout.MaxCommandPacket];

        public CommandWriter(EngineContext context, LinkFailure failure)
        {
            _context = context;
            _failure = failure;
        }

        /// <summary>Writes Buffer[0..length) as one command; caller holds Lock.</summary>
        public void WriteLocked(int length)
        {
            try
            {
                if (_context.Link.HasCommandPipe)
                {
                    _context.Link.WriteCommand(Buffer, 0, length);
                }
                else
                {
                    lock (_context.DataWriteLock)
                    {
                        _context.Counters.CountLock();
                        _context.Link.WriteData(Buffer, 0, length);
                    }
                }
            }
            catch (Exception)
            {
                _failure.OnWriteFailed();
                throw new HssSocketException(SocketError.NetworkReset, "the link failed while writing a command");
            }
        }

        /// <summary>Writes a request built in Buffer (caller holds Lock); on link failure the request is abandoned.</summary>
        public void WriteRequestLocked(PendingRequest request, int length, EngineSocket s)
        {
            try
            {
                WriteLocked(length);
            }
            catch (HssSocketException)
            {
                lock (_context.Sync)
                {
                    _context.Counters.CountLock();
                    _context.FreeRequestLocked(request);
                    s.Machine.OnConnectAnswered(false);
                }

                throw;
            }
        }

        /// <summary>ACK for a host request; TRANSMIT answers carry the 4-byte value (count, or minus the code).</summary>
        public void SendAnswer(int msgId, uint sockId, int origOpcode, int code, bool withValue)
        {
            if (origOpcode == HssOpcode.Transmit && !_context.Settings.AckHostTransmits)
            {
                return;
            }

            lock (Lock)
            {
                _context.Counters.CountLock();
                int n = withValue
                    ? PacketWriter.WriteAckWithValue(Buffer, 0, msgId, sockId, origOpcode, code, HssRules.TransmitAckValue(code, 0))
                    : PacketWriter.WriteAck(Buffer, 0, msgId, sockId, origOpcode, code);
                try
                {
                    WriteLocked(n);
                }
                catch (HssSocketException)
                {
                    // Link down: the host has forgotten the request with the link.
                }
            }
        }

        /// <summary>ACKs the host TRANSMITs listed in the socket's first count ACK entries (read, or refused).</summary>
        public void SendTransmitAcks(EngineSocket s, int count)
        {
            if (count == 0 || !_context.Settings.AckHostTransmits)
            {
                return;
            }

            ReceiveBuffer received = s.Received;
            lock (Lock)
            {
                _context.Counters.CountLock();
                for (int i = 0; i < count; i++)
                {
                    int value = received.AckValue[i];
                    int code = value < 0 ? -value : HssError.Success;
                    int n = PacketWriter.WriteAckWithValue(Buffer, 0, received.AckMsgId[i], s.HandleValue, HssOpcode.Transmit, code, HssRules.TransmitAckValue(code, value));
                    try
                    {
                        WriteLocked(n);
                    }
                    catch (HssSocketException)
                    {
                        // The link went down; the host forgot these TRANSMITs with the link.
                        return;
                    }
                }
            }
        }
    }
}
