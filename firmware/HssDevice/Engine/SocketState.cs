namespace HssDevice.Engine
{
    /// <summary>Where one socket is in its life (docs/protocol.md sections 5 to 8).</summary>
    internal enum SocketState
    {
        /// <summary>OPEN sent, its ACK not read yet. OPEN is answered in the background (no thread waits for it).</summary>
        Opening,

        /// <summary>
        /// CONNECT sent right behind an unanswered OPEN (set-up in one round trip, docs/protocol.md section 5): the
        /// host handles requests in order, so OPEN's answer comes first; host data may already arrive.
        /// </summary>
        OpeningConnecting,

        /// <summary>The application closed it before OPEN's answer: CLOSE goes once OPEN is acknowledged, none if refused.</summary>
        OpeningClosed,

        /// <summary>The host holds the handle; not connected.</summary>
        Open,

        /// <summary>CONNECT sent, its ACK not read yet. Host data may already arrive (it can overtake the ACK).</summary>
        Connecting,

        /// <summary>Connected: data both ways.</summary>
        Established,

        /// <summary>The application ended its sending side (Shutdown(Send)); it still receives.</summary>
        SendShutdown,

        /// <summary>The host's SHUTDOWN: reads end after the buffered data; the application still sends.</summary>
        RemoteShutdown,

        /// <summary>SendShutdown and RemoteShutdown together.</summary>
        BothShutdown,

        /// <summary>The host's CLOSE: the handle is dead on both sides; reads end after the buffered data.</summary>
        RemoteClosed,

        /// <summary>A failure (link reset, refused TRANSMIT, timeout, engine stopped): see <see cref="SocketStateMachine.Error"/>.</summary>
        Failed,

        /// <summary>The application closed it; CLOSE waits until sent data is acknowledged (or the linger ends).</summary>
        Closing,

        /// <summary>CLOSE sent; its ACK (or its timeout) gives the slot back.</summary>
        CloseSent,

        /// <summary>The slot is free; the handle may be reused.</summary>
        Released,
    }
}
