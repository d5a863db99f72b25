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

        /// <summary>Guards Buffer and Acks while a command is built and written (lock order: EngineContext).</summary>
        public readonly object CommandLock = new object();

        /// <summary>The command being built; only with CommandLock held.</summary>
        public readonly byte[] Buffer = new byte[HssLayout.MaxCommandPacket];

        /// <summary>
        /// ACKs of host TRANSMITs being taken and written; only with CommandLock held: a thread lists them (under Sync too,
        /// the buffer they come from is Sync's) and writes them before it lets CommandLock go, so they are its own.
        /// </summary>
        public readonly TransmitAckBatch Acks;

        public CommandWriter(EngineContext context, LinkFailure failure)
        {
            _context = context;
            _failure = failure;
            Acks = new TransmitAckBatch(context.Settings.ReceiveRecordsPerSocket);
        }

        /// <summary>
        /// The lock a thread that may take ACKs of host TRANSMITs holds around its take and the write: CommandLock, or null
        /// when the settings send no such ACKs (the reference host), so those reads take no extra lock.
        /// </summary>
        public object AckLock
        {
            get { return _context.Settings.AnswerHostRequests ? CommandLock : null; }
        }

        /// <summary>Writes Buffer[0..length) as one command; caller holds CommandLock.</summary>
        public void WriteUnderCommandLock(int length)
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

        /// <summary>Writes a request built in Buffer (caller holds CommandLock); on link failure the request is abandoned.</summary>
        public void WriteRequestUnderCommandLock(PendingRequest request, int length, EngineSocket s)
        {
            try
            {
                WriteUnderCommandLock(length);
            }
            catch (HssSocketException)
            {
                lock (_context.Sync)
                {
                    _context.Counters.CountLock();
                    _context.FreeRequestUnderSync(request);
                    s.Machine.OnConnectAnswered(connected: false);
                }

                throw;
            }
        }

        /// <summary>ACK for a host request; TRANSMIT answers carry the 4-byte value (count, or minus the code).</summary>
        public void SendAnswer(int msgId, uint sockId, int origOpcode, int code)
        {
            // The reference host expects no answer at all (HssEngineSettings.AnswerHostRequests).
            if (!_context.Settings.AnswerHostRequests)
            {
                return;
            }

            lock (CommandLock)
            {
                _context.Counters.CountLock();
                int n = HssRules.AnswerCarriesValue(origOpcode)
                    ? PacketWriter.WriteAckWithValue(Buffer, 0, msgId, sockId, origOpcode, code, HssRules.TransmitAckValue(code, 0))
                    : PacketWriter.WriteAck(Buffer, 0, msgId, sockId, origOpcode, code);
                try
                {
                    WriteUnderCommandLock(n);
                }
                catch (HssSocketException)
                {
                    // Link down: the host has forgotten the request with the link.
                }
            }
        }

        /// <summary>
        /// Writes the ACKs listed in <see cref="Acks"/> for socket s and empties it; caller holds CommandLock (it listed them
        /// under the same hold). A failed write drops the rest: the host forgot those TRANSMITs with the link.
        /// </summary>
        public void WriteTransmitAcksUnderCommandLock(EngineSocket s)
        {
            TransmitAckBatch acks = Acks;
            try
            {
                for (int i = 0; i < acks.Count; i++)
                {
                    int value = acks.ValueAt(i);
                    int code = value < 0 ? -value : HssError.Success;
                    int n = PacketWriter.WriteAckWithValue(Buffer, 0, acks.MsgIdAt(i), s.Handle, HssOpcode.Transmit, code, HssRules.TransmitAckValue(code, value));
                    WriteUnderCommandLock(n);
                }
            }
            catch (HssSocketException)
            {
                // The link went down; the host forgot these TRANSMITs with the link.
            }
            finally
            {
                acks.Clear();
            }
        }
    }
}
