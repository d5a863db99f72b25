using System;
using System.IO;
using System.Threading;

namespace HssDevice.Transport.NativeUsb
{
    /// <summary>
    /// The engine's link over the native USB function (<see cref="INativeUsbFunction"/>), whose calls never block.
    /// A read or write that gets 0 (nothing queued, no room) waits on an event of its role (command read, data read,
    /// command write, data write), set by the function's wake handler; it never polls. A read that gets
    /// <see cref="NativeUsbStatus.LinkReset"/> returns 0 (IHssLink's "the link went down"), and later reads wait for
    /// bytes of the next session. Writes on a link that is down throw IOException. Close wakes every waiter.
    /// </summary>
    public sealed class NativeUsbLink : IHssLink
    {
        private readonly INativeUsbFunction _function;
        private readonly bool _singlePipe;

        private readonly AutoResetEvent _commandReadable = new AutoResetEvent(false);
        private readonly AutoResetEvent _dataReadable = new AutoResetEvent(false);
        private readonly AutoResetEvent _commandWritable = new AutoResetEvent(false);
        private readonly AutoResetEvent _dataWritable = new AutoResetEvent(false);

        // One writer per pipe at a time: a transfer the function takes in pieces must not interleave with another.
        private readonly object _commandWriteLock = new object();
        private readonly object _dataWriteLock = new object();
        private readonly object _stateLock = new object();
        private bool _closed;

        /// <param name="function">An opened function; the link installs its event handler and closes it in Close.</param>
        public NativeUsbLink(INativeUsbFunction function)
        {
            if (function == null)
            {
                throw new ArgumentNullException("function");
            }

            _function = function;
            _singlePipe = function.IsSinglePipe();
            function.SetEventHandler(new NativeUsbEventHandler(OnEvents));
        }

        /// <summary>False in the single-pipe profile (the descriptors have no interrupt endpoints).</summary>
        public bool HasCommandPipe
        {
            get { return !_singlePipe; }
        }

        /// <summary>Whether the host has configured the function now.</summary>
        public bool IsUp
        {
            get { return !IsClosed && _function.LinkState() == 1; }
        }

        public int ReadCommand(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            if (_singlePipe)
            {
                throw new NotSupportedException("single-pipe profile (HasCommandPipe is false): command packets arrive through ReadData.");
            }

            while (true)
            {
                ThrowIfClosed();
                int result = _function.ReadCommand(buffer, offset, count);
                if (result > 0)
                {
                    return result;
                }

                if (result == 0)
                {
                    WaitFor(_commandReadable);
                }
                else if (result == NativeUsbStatus.LinkReset)
                {
                    return 0;
                }
                else
                {
                    throw Failure(result, "reading a command");
                }
            }
        }

        public int ReadData(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            if (count == 0)
            {
                // 0 would read as "the link went down".
                throw new ArgumentOutOfRangeException("count", "a read needs room for at least one byte.");
            }

            while (true)
            {
                ThrowIfClosed();
                int result = _function.ReadData(buffer, offset, count);
                if (result > 0)
                {
                    return result;
                }

                if (result == 0)
                {
                    WaitFor(_dataReadable);
                }
                else if (result == NativeUsbStatus.LinkReset)
                {
                    return 0;
                }
                else
                {
                    throw Failure(result, "reading data");
                }
            }
        }

        public void WriteCommand(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            if (_singlePipe)
            {
                // Commands share the bulk pipe, each packet one whole transfer of its own.
                WriteTransfer(buffer, offset, count);
                return;
            }

            lock (_commandWriteLock)
            {
                while (true)
                {
                    ThrowIfClosed();
                    int result = _function.WriteCommand(buffer, offset, count);
                    if (result == count)
                    {
                        return;
                    }

                    if (result == 0)
                    {
                        WaitFor(_commandWritable);
                    }
                    else if (result < 0)
                    {
                        throw Failure(result, "writing a command");
                    }
                    else
                    {
                        throw new IOException("the native function took " + result + " of a " + count + "-byte command packet.");
                    }
                }
            }
        }

        public void WriteData(byte[] buffer, int offset, int count)
        {
            CheckRange(buffer, offset, count);
            WriteTransfer(buffer, offset, count);
        }

        /// <summary>Ends the link: closes the function, wakes every waiter (they throw ObjectDisposedException).</summary>
        public void Close()
        {
            lock (_stateLock)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
            }

            _function.SetEventHandler(null);
            _function.Close();
            _commandReadable.Set();
            _dataReadable.Set();
            _commandWritable.Set();
            _dataWritable.Set();
        }

        /// <summary>The function's wake handler: sets the event of each role the mask names.</summary>
        private void OnEvents(int events)
        {
            // A link change matters to everyone: readers get LinkReset, writers LinkDown or room again.
            if ((events & NativeUsbEvents.LinkChanged) != 0)
            {
                events |= NativeUsbEvents.CommandReadable | NativeUsbEvents.DataReadable
                    | NativeUsbEvents.CommandWritable | NativeUsbEvents.DataWritable;
            }

            if ((events & NativeUsbEvents.CommandReadable) != 0)
            {
                _commandReadable.Set();
            }

            if ((events & NativeUsbEvents.DataReadable) != 0)
            {
                _dataReadable.Set();
            }

            if ((events & NativeUsbEvents.CommandWritable) != 0)
            {
                _commandWritable.Set();
            }

            if ((events & NativeUsbEvents.DataWritable) != 0)
            {
                _dataWritable.Set();
            }
        }

        /// <summary>One bulk IN transfer, handed over in as many pieces as the function takes.</summary>
        private void WriteTransfer(byte[] buffer, int offset, int count)
        {
            if (count == 0)
            {
                return;
            }

            lock (_dataWriteLock)
            {
                int done = 0;
                while (true)
                {
                    ThrowIfClosed();

                    // endOfTransfer on every call: it ends the transfer only once the function takes all the rest.
                    int result = _function.WriteData(buffer, offset + done, count - done, true);
                    if (result < 0)
                    {
                        throw Failure(result, "writing data");
                    }

                    if (result > count - done)
                    {
                        throw new IOException("the native function took " + result + " bytes of " + (count - done) + ".");
                    }

                    done += result;
                    if (done == count)
                    {
                        return;
                    }

                    if (result == 0)
                    {
                        WaitFor(_dataWritable);
                    }
                }
            }
        }

        private void WaitFor(AutoResetEvent role)
        {
            role.WaitOne();
            if (IsClosed)
            {
                // Pass the wake-up on: another thread may wait on the same role.
                role.Set();
                throw new ObjectDisposedException("The link was closed.");
            }
        }

        private bool IsClosed
        {
            get
            {
                lock (_stateLock)
                {
                    return _closed;
                }
            }
        }

        private void ThrowIfClosed()
        {
            if (IsClosed)
            {
                throw new ObjectDisposedException("The link was closed.");
            }
        }

        private Exception Failure(int status, string doing)
        {
            if (status == NativeUsbStatus.NotOpen && IsClosed)
            {
                return new ObjectDisposedException("The link was closed.");
            }

            if (status == NativeUsbStatus.Argument)
            {
                return new ArgumentException("the native function refused the arguments " + doing + ".");
            }

            return new IOException("the native function failed " + doing + ": " + NativeUsbStatus.NameOf(status) + " (" + status + ").");
        }

        private static void CheckRange(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length - count)
            {
                throw new ArgumentOutOfRangeException("count", "offset and count must lie inside buffer.");
            }
        }
    }
}
