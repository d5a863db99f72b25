namespace HssDevice.Engine
{
    /// <summary>The named transitions of <see cref="SocketStateMachine"/>, as its trace records them.</summary>
    internal enum SocketTransition
    {
        OpenAcked,
        OpenRefused,
        OpenTimedOut,
        ConnectSent,
        ConnectAnswered,
        AppShutdownSend,
        ShutdownSent,
        AppShutdownReceive,
        HostShutdown,
        HostClose,
        Failure,
        AppClose,
        CloseSent,
        Released,
    }
}
