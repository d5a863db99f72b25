using System;
using System.Collections;
using System.Threading;
using HssDevice.Transport;

namespace HssDevice.Tests.Device
{
    /// <summary>
    /// An in-memory link for device tests. The host side (a test or <see cref="FakeHost"/>) queues transfers for
    /// the device and takes what the device wrote. ReadData returns at most <see cref="ChunkLimit"/> bytes per call,
    /// so the engine sees short reads as real USB gives them.
    /// </summary>
    public sealed class FakeLink : IHssLink
    {
        private readonly object _lock = new object();
        private readonly bool _hasCommandPipe;
        private readonly ArrayList _toDeviceCommands = new ArrayList();
        private readonly ArrayList _toDeviceData = new ArrayList();
        private readonly ArrayList _fromDevice = new ArrayList();
        private readonly AutoResetEvent _toDeviceCommandSignal = new AutoResetEvent(false);
        private readonly AutoResetEvent _toDeviceDataSignal = new AutoResetEvent(false);
        private readonly AutoResetEvent _fromDeviceSignal = new AutoResetEvent(false);
        private int _dataOffset;
        private bool _closed;
        private bool _commandDown;
        private bool _dataDown;

        // Command-write gate (HoldCommandWrites): writers wait on it; HeldCommandWrites counts them.
        private readonly ManualResetEvent _commandGate = new ManualResetEvent(true);
        private int _heldCommandWrites;

        public FakeLink(bool hasCommandPipe)
        {
            _hasCommandPipe = hasCommandPipe;
            ChunkLimit = 64;
        }

        /// <summary>While set, every device write throws (a USB write that times out or a cable pulled mid-write).</summary>
        public bool FailWrites { get; set; }

        /// <summary>Most bytes one ReadData returns.</summary>
        public int ChunkLimit { get; set; }

        /// <summary>
        /// Closes the command-write gate: every WriteCommand from now on blocks (the engine's command lock held, as
        /// in a slow USB write) until <see cref="ReleaseCommandWrites"/>. Lets a test hold threads at a known point.
        /// </summary>
        public void HoldCommandWrites()
        {
            _commandGate.Reset();
        }

        /// <summary>Opens the command-write gate: held and later writes go through.</summary>
        public void ReleaseCommandWrites()
        {
            _commandGate.Set();
        }

        /// <summary>WriteCommand calls blocked at the gate now.</summary>
        public int HeldCommandWrites
        {
            get { return _heldCommandWrites; }
        }

        public bool HasCommandPipe
        {
            get { return _hasCommandPipe; }
        }

        // ---- device side (IHssLink) ----

        public void WriteCommand(byte[] buffer, int offset, int count)
        {
            if (!_hasCommandPipe)
            {
                throw new InvalidOperationException("single-pipe link has no command pipe");
            }

            Interlocked.Increment(ref _heldCommandWrites);
            _commandGate.WaitOne();
            Interlocked.Decrement(ref _heldCommandWrites);
            Record(true, buffer, offset, count);
        }

        public void WriteData(byte[] buffer, int offset, int count)
        {
            Record(false, buffer, offset, count);
        }

        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            while (true)
            {
                lock (_lock)
                {
                    ThrowIfClosed();
                    if (_commandDown)
                    {
                        _commandDown = false;
                        return 0;
                    }

                    if (_toDeviceCommands.Count > 0)
                    {
                        byte[] transfer = (byte[])_toDeviceCommands[0];
                        _toDeviceCommands.RemoveAt(0);
                        int n = transfer.Length < count ? transfer.Length : count;
                        Array.Copy(transfer, 0, buffer, offset, n);
                        return n;
                    }
                }

                _toDeviceCommandSignal.WaitOne(100, false);
            }
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            while (true)
            {
                lock (_lock)
                {
                    ThrowIfClosed();
                    if (_dataDown)
                    {
                        _dataDown = false;
                        return 0;
                    }

                    if (_toDeviceData.Count > 0)
                    {
                        byte[] transfer = (byte[])_toDeviceData[0];
                        int n = transfer.Length - _dataOffset;
                        n = n < count ? n : count;
                        n = n < ChunkLimit ? n : ChunkLimit;
                        Array.Copy(transfer, _dataOffset, buffer, offset, n);
                        _dataOffset += n;
                        if (_dataOffset == transfer.Length)
                        {
                            _toDeviceData.RemoveAt(0);
                            _dataOffset = 0;
                        }

                        return n;
                    }
                }

                _toDeviceDataSignal.WaitOne(100, false);
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
            }

            _toDeviceCommandSignal.Set();
            _toDeviceDataSignal.Set();
            _fromDeviceSignal.Set();
            _commandGate.Set();
        }

        // ---- host side ----

        /// <summary>Queues one command transfer (or, single-pipe, data bytes) for the device.</summary>
        public void HostSendCommand(byte[] packet, int count)
        {
            if (!_hasCommandPipe)
            {
                HostSendData(packet, count);
                return;
            }

            byte[] copy = new byte[count];
            Array.Copy(packet, copy, count);
            lock (_lock)
            {
                _toDeviceCommands.Add(copy);
            }

            _toDeviceCommandSignal.Set();
        }

        /// <summary>Queues one data transfer for the device.</summary>
        public void HostSendData(byte[] bytes, int count)
        {
            byte[] copy = new byte[count];
            Array.Copy(bytes, copy, count);
            lock (_lock)
            {
                _toDeviceData.Add(copy);
            }

            _toDeviceDataSignal.Set();
        }

        /// <summary>The link goes down: each reader sees one 0-byte read, as the engine's USB binding reports it.</summary>
        public void HostDisconnect()
        {
            lock (_lock)
            {
                _toDeviceCommands.Clear();
                _toDeviceData.Clear();
                _dataOffset = 0;
                _commandDown = _hasCommandPipe;
                _dataDown = true;
            }

            _toDeviceCommandSignal.Set();
            _toDeviceDataSignal.Set();
        }

        /// <summary>Next transfer the device wrote, or null after timeoutMs: {bool isCommand, byte[] bytes}.</summary>
        public object[] HostTake(int timeoutMs)
        {
            long deadline = DateTime.UtcNow.Ticks + (timeoutMs * TimeSpan.TicksPerMillisecond);
            while (true)
            {
                lock (_lock)
                {
                    if (_fromDevice.Count > 0)
                    {
                        object[] entry = (object[])_fromDevice[0];
                        _fromDevice.RemoveAt(0);
                        return entry;
                    }

                    if (_closed)
                    {
                        return null;
                    }
                }

                long left = (deadline - DateTime.UtcNow.Ticks) / TimeSpan.TicksPerMillisecond;
                if (left <= 0)
                {
                    return null;
                }

                _fromDeviceSignal.WaitOne((int)(left < 100 ? left : 100), false);
            }
        }

        private void Record(bool isCommand, byte[] buffer, int offset, int count)
        {
            if (FailWrites)
            {
                throw new InvalidOperationException("fake link: write failed");
            }

            byte[] copy = new byte[count];
            Array.Copy(buffer, offset, copy, 0, count);
            lock (_lock)
            {
                ThrowIfClosed();
                _fromDevice.Add(new object[] { isCommand, copy });
            }

            _fromDeviceSignal.Set();
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new ObjectDisposedException("FakeLink");
            }
        }
    }
}
