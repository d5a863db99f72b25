using System;
using HssDevice.Wire;

namespace HssDevice.Engine
{
    /// <summary>
    /// The checks at the API boundary: may this call go on, and if not, the typed exception it throws (an HSS
    /// code or a local cause turned into a SocketError in one place). Callers hold the engine's lock.
    /// </summary>
    internal static class SocketChecks
    {
        public static void ThrowIfStopped(EngineContext context)
        {
            if (!context.Running)
            {
                throw new HssSocketException(SocketError.OperationAborted, "the HSS engine is not running");
            }
        }

        public static void ThrowIfUnusable(EngineSocket s)
        {
            // A socket the engine closed itself (its OPEN timed out) reports why; one the application closed is disposed.
            if ((!s.Machine.InUse || s.Machine.IsAppClosed) && !s.Machine.HasFailed)
            {
                throw new ObjectDisposedException("HssSocket");
            }

            ThrowIfFailed(s);
        }

        public static void ThrowIfFailed(EngineSocket s)
        {
            SocketStateMachine m = s.Machine;
            if (m.HasFailed)
            {
                if (m.ErrorHssCode != HssSocketException.NoHssCode)
                {
                    throw new HssSocketException(m.Error, m.ErrorHssCode, "the host failed the socket: " + HssError.NameOf(m.ErrorHssCode));
                }

                throw LocalFailure(m.Error);
            }

            if (m.IsAppClosed)
            {
                throw new ObjectDisposedException("HssSocket");
            }
        }

        public static void RequireConnected(EngineSocket s)
        {
            if (s.Machine.State == SocketState.RemoteClosed)
            {
                throw new HssSocketException(SocketError.ConnectionReset, "the host closed the socket");
            }

            if (!s.Machine.IsConnected)
            {
                throw new HssSocketException(SocketError.NotConnected, "the socket is not connected");
            }
        }

        public static void ThrowIfCannotSend(EngineSocket s)
        {
            // The common case in one getter (an interpreter pays a full call for each): CanWrite passes every check below.
            if (s.Machine.CanWrite)
            {
                return;
            }

            ThrowIfUnusable(s);
            RequireConnected(s);
            if (s.Machine.WriteRefusal == SocketError.Shutdown)
            {
                throw new HssSocketException(SocketError.Shutdown, "the socket's sending side was shut down");
            }
        }

        public static HssSocketException LocalFailure(SocketError error)
        {
            if (error == SocketError.NetworkReset)
            {
                return new HssSocketException(error, "the USB link was reset");
            }

            if (error == SocketError.OperationAborted)
            {
                return new HssSocketException(error, "the HSS engine was stopped");
            }

            return new HssSocketException(error, "socket failed: " + ((int)error).ToString());
        }

        public static HssSocketException TooManyRequests()
        {
            return new HssSocketException(SocketError.NoBufferSpaceAvailable, "too many requests outstanding on the link");
        }

        public static void CheckRange(byte[] buffer, int offset, int size)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            if (offset < 0 || size < 0 || offset > buffer.Length - size)
            {
                throw new ArgumentOutOfRangeException("offset");
            }
        }
    }
}
