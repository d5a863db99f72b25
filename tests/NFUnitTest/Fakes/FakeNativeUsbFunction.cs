using System;
using System.Collections;
using HssDevice.Transport.NativeUsb;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// An INativeUsbFunction in memory, playing the C core for NativeUsbLink's tests: it never blocks, returns what
    /// the test queued (reads at most <see cref="ReadChunk"/> bytes per call), takes at most <see cref="WriteRoom"/>
    /// bytes per data write, reports LINK_RESET once per pipe after <see cref="GoDown"/>, and counts every call so a
    /// test can tell waiting from polling. The test raises wake events through <see cref="Raise"/>.
    /// </summary>
    public sealed class FakeNativeUsbFunction : INativeUsbFunction
    {
        private readonly object _lock = new object();
        private readonly bool _singlePipe;
        private readonly ArrayList _commandsIn = new ArrayList();
        private readonly ArrayList _commandsOut = new ArrayList();
        private readonly ArrayList _dataWrites = new ArrayList();
        private byte[] _dataIn = new byte[0];
        private int _dataInOffset;
        private byte[] _dataOut = new byte[4096];
        private int _dataOutLength;
        private NativeUsbEventHandler _handler;
        private bool _open = true;
        private bool _up = true;
        private bool _commandReset;
        private bool _dataReset;

        public FakeNativeUsbFunction(bool singlePipe)
        {
            _singlePipe = singlePipe;
            ReadChunk = 64;
            WriteRoom = 4096;
            CommandRoom = 4;
        }

        /// <summary>Most bytes one ReadData returns.</summary>
        public int ReadChunk { get; set; }

        /// <summary>Bytes the data IN queue takes now (each WriteData takes at most this and reduces it).</summary>
        public int WriteRoom { get; set; }

        /// <summary>Command packets the command IN queue takes now.</summary>
        public int CommandRoom { get; set; }

        /// <summary>When not 0, every read and write returns this status.</summary>
        public int FailWith { get; set; }

        public int ReadCommandCalls;
        public int ReadDataCalls;
        public int WriteCommandCalls;
        public int WriteDataCalls;
        public int TransferEnds;
        public int LastDataWriteTaken = -1;
        public int CloseCalls;

        public bool HasHandler
        {
            get { lock (_lock) { return _handler != null; } }
        }

        /// <summary>Queues bytes of the bulk OUT stream (host to device) without waking anyone.</summary>
        public void QueueData(byte[] bytes)
        {
            lock (_lock)
            {
                byte[] rest = new byte[_dataIn.Length - _dataInOffset + bytes.Length];
                Array.Copy(_dataIn, _dataInOffset, rest, 0, _dataIn.Length - _dataInOffset);
                Array.Copy(bytes, 0, rest, _dataIn.Length - _dataInOffset, bytes.Length);
                _dataIn = rest;
                _dataInOffset = 0;
            }
        }

        public void QueueCommand(byte[] packet)
        {
            lock (_lock)
            {
                _commandsIn.Add(packet);
            }
        }

        /// <summary>The link goes down: the next read of each pipe returns LINK_RESET once; writes fail LINK_DOWN.</summary>
        public void GoDown()
        {
            lock (_lock)
            {
                _up = false;
                _commandReset = true;
                _dataReset = true;
                _commandsIn.Clear();
                _dataIn = new byte[0];
                _dataInOffset = 0;
            }
        }

        public void GoUp()
        {
            lock (_lock)
            {
                _up = true;
            }
        }

        /// <summary>Calls the handler the link installed, as the native side does from its own thread.</summary>
        public void Raise(int events)
        {
            NativeUsbEventHandler handler;
            lock (_lock)
            {
                handler = _handler;
            }

            if (handler != null)
            {
                handler(events);
            }
        }

        /// <summary>Everything written to the data pipe so far.</summary>
        public byte[] DataWritten()
        {
            lock (_lock)
            {
                byte[] copy = new byte[_dataOutLength];
                Array.Copy(_dataOut, copy, _dataOutLength);
                return copy;
            }
        }

        /// <summary>Each WriteData call as "count/taken/end", in order.</summary>
        public string DataWriteLog()
        {
            lock (_lock)
            {
                string log = "";
                for (int i = 0; i < _dataWrites.Count; i++)
                {
                    log += (i == 0 ? "" : " ") + (string)_dataWrites[i];
                }

                return log;
            }
        }

        public int CommandsWritten
        {
            get { lock (_lock) { return _commandsOut.Count; } }
        }

        public byte[] CommandWritten(int index)
        {
            lock (_lock)
            {
                return (byte[])_commandsOut[index];
            }
        }

        public int Open(byte[] descriptors, int commandQueuePackets, int dataOutBytes, int dataInBytes)
        {
            lock (_lock)
            {
                _open = true;
                return NativeUsbStatus.Ok;
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _open = false;
                CloseCalls++;
            }
        }

        public int LinkState()
        {
            lock (_lock)
            {
                return _open && _up ? 1 : 0;
            }
        }

        public bool IsSinglePipe()
        {
            return _singlePipe;
        }

        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                ReadCommandCalls++;
                int early = Early(buffer, offset, count);
                if (early != 1)
                {
                    return early;
                }

                if (_commandReset)
                {
                    _commandReset = false;
                    return NativeUsbStatus.LinkReset;
                }

                if (_commandsIn.Count == 0)
                {
                    return 0;
                }

                byte[] packet = (byte[])_commandsIn[0];
                if (packet.Length > count)
                {
                    return NativeUsbStatus.TooLarge;
                }

                _commandsIn.RemoveAt(0);
                Array.Copy(packet, 0, buffer, offset, packet.Length);
                return packet.Length;
            }
        }

        public int WriteCommand(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                WriteCommandCalls++;
                int early = Early(buffer, offset, count);
                if (early != 1)
                {
                    return early;
                }

                if (!_up)
                {
                    return NativeUsbStatus.LinkDown;
                }

                if (count > 64)
                {
                    return NativeUsbStatus.TooLarge;
                }

                if (CommandRoom == 0)
                {
                    return 0;
                }

                CommandRoom--;
                byte[] packet = new byte[count];
                Array.Copy(buffer, offset, packet, 0, count);
                _commandsOut.Add(packet);
                return count;
            }
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            lock (_lock)
            {
                ReadDataCalls++;
                int early = Early(buffer, offset, count);
                if (early != 1)
                {
                    return early;
                }

                if (_dataReset)
                {
                    _dataReset = false;
                    return NativeUsbStatus.LinkReset;
                }

                int n = _dataIn.Length - _dataInOffset;
                if (n > count)
                {
                    n = count;
                }

                if (n > ReadChunk)
                {
                    n = ReadChunk;
                }

                Array.Copy(_dataIn, _dataInOffset, buffer, offset, n);
                _dataInOffset += n;
                return n;
            }
        }

        public int WriteData(byte[] buffer, int offset, int count, bool endOfTransfer)
        {
            lock (_lock)
            {
                WriteDataCalls++;
                int early = Early(buffer, offset, count);
                if (early != 1)
                {
                    return early;
                }

                if (!_up)
                {
                    return NativeUsbStatus.LinkDown;
                }

                int n = count < WriteRoom ? count : WriteRoom;
                WriteRoom -= n;
                Array.Copy(buffer, offset, _dataOut, _dataOutLength, n);
                _dataOutLength += n;
                LastDataWriteTaken = n;
                _dataWrites.Add(count.ToString() + "/" + n.ToString() + "/" + (endOfTransfer ? "end" : "more"));
                if (endOfTransfer && n == count)
                {
                    TransferEnds++;
                }

                return n;
            }
        }

        public int Ready()
        {
            lock (_lock)
            {
                int ready = 0;
                if (_commandsIn.Count > 0)
                {
                    ready |= NativeUsbEvents.CommandReadable;
                }

                if (_dataIn.Length > _dataInOffset)
                {
                    ready |= NativeUsbEvents.DataReadable;
                }

                if (CommandRoom > 0)
                {
                    ready |= NativeUsbEvents.CommandWritable;
                }

                if (WriteRoom > 0)
                {
                    ready |= NativeUsbEvents.DataWritable;
                }

                return ready;
            }
        }

        public void SetEventHandler(NativeUsbEventHandler handler)
        {
            lock (_lock)
            {
                _handler = handler;
            }
        }

        // 1: go on; otherwise the status the call returns (as the core checks its arguments first).
        private int Early(byte[] buffer, int offset, int count)
        {
            if (!_open)
            {
                return NativeUsbStatus.NotOpen;
            }

            if (FailWith != 0)
            {
                return FailWith;
            }

            if (buffer == null || offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                return NativeUsbStatus.Argument;
            }

            return 1;
        }
    }
}
