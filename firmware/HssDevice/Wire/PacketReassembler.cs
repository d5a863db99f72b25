using System;

namespace HssDevice.Wire
{
    /// <summary>
    /// Turns the byte stream of a data pipe (or of the single pipe) into whole packets (docs/protocol.md sections 3, 11).
    /// Bytes arrive in transfers of any size: a header may split at any offset, a payload may span transfers, and
    /// several packets may share one transfer. <see cref="Feed"/> consumes bytes up to the end of one packet and
    /// stops; the caller handles <see cref="PacketBuffer"/>, then calls <see cref="Release"/>. Copies use
    /// Array.Copy into one buffer allocated up front.
    ///
    /// A data packet over the maximum is reported with its header only (<see cref="IsOversized"/>) and its payload
    /// is then skipped, so framing holds. A header that cannot be trusted (unknown opcode, command over 52 bytes,
    /// length over <see cref="SkipLimit"/>) loses framing: <see cref="FramingLost"/> stays set until <see cref="Reset"/>.
    /// </summary>
    public sealed class PacketReassembler
    {
        /// <summary>Longest payload that is skipped rather than treated as lost framing.</summary>
        public const int SkipLimit = 16 * 1024 * 1024;

        private readonly byte[] _buffer;
        private readonly int _maxDataPayload;
        private int _filled;
        private int _expected;
        private int _skipRemaining;
        private int _skipAfterRelease;

        public PacketReassembler(int maxDataPayload)
        {
            if (maxDataPayload < HssLayout.MaxCommandPayload)
            {
                throw new ArgumentOutOfRangeException("maxDataPayload");
            }

            _maxDataPayload = maxDataPayload;
            _buffer = new byte[HssLayout.HeaderSize + maxDataPayload];
        }

        /// <summary>The assembled packet starts at offset 0 of this buffer.</summary>
        public byte[] PacketBuffer
        {
            get { return _buffer; }
        }

        public int PacketLength { get; private set; }

        public bool HasPacket { get; private set; }

        /// <summary>The packet held is only the header of a data packet over the maximum; its payload is skipped.</summary>
        public bool IsOversized { get; private set; }

        public bool FramingLost { get; private set; }

        /// <summary>The <see cref="DecodeStatus"/> that lost framing.</summary>
        public int FramingError { get; private set; }

        public int MaxDataPayload
        {
            get { return _maxDataPayload; }
        }

        /// <summary>Bytes of a packet received so far, or still to skip (0 between packets).</summary>
        public int Pending
        {
            get { return _filled + _skipRemaining; }
        }

        /// <summary>Consumes bytes until one packet is whole; returns how many were consumed (0 while a packet is held).</summary>
        public int Feed(byte[] input, int offset, int count)
        {
            int consumed = 0;
            while (consumed < count && !HasPacket && !FramingLost)
            {
                int available = count - consumed;
                if (_skipRemaining > 0)
                {
                    int skip = available < _skipRemaining ? available : _skipRemaining;
                    _skipRemaining -= skip;
                    consumed += skip;
                    continue;
                }

                int want = (_expected == 0 ? HssLayout.HeaderSize : _expected) - _filled;
                int take = available < want ? available : want;
                Array.Copy(input, offset + consumed, _buffer, _filled, take);
                _filled += take;
                consumed += take;
                if (_expected == 0)
                {
                    if (_filled == HssLayout.HeaderSize)
                    {
                        OnHeader();
                    }
                }
                else if (_filled == _expected)
                {
                    Complete(_filled);
                }
            }

            return consumed;
        }

        /// <summary>Done with the packet held; the next one may assemble.</summary>
        public void Release()
        {
            HasPacket = false;
            IsOversized = false;
            PacketLength = 0;
            _filled = 0;
            _expected = 0;
            _skipRemaining = _skipAfterRelease;
            _skipAfterRelease = 0;
        }

        /// <summary>Forgets everything, framing errors included (after a link reset).</summary>
        public void Reset()
        {
            _skipAfterRelease = 0;
            Release();
            FramingLost = false;
            FramingError = DecodeStatus.Ok;
        }

        private void OnHeader()
        {
            int payloadLength;
            bool oversized;
            int status = HssRules.CheckFrameHeader(_buffer, 0, _maxDataPayload, out payloadLength, out oversized);
            if (status != DecodeStatus.Ok)
            {
                Lose(status);
                return;
            }

            if (oversized)
            {
                IsOversized = true;
                _skipAfterRelease = payloadLength;
                Complete(HssLayout.HeaderSize);
                return;
            }

            if (payloadLength == 0)
            {
                Complete(HssLayout.HeaderSize);
                return;
            }

            _expected = HssLayout.HeaderSize + payloadLength;
        }

        private void Complete(int length)
        {
            PacketLength = length;
            HasPacket = true;
        }

        private void Lose(int status)
        {
            FramingLost = true;
            FramingError = status;
        }
    }
}
