using HssDevice.Sockets;

namespace HssDevice.App
{
    /// <summary>
    /// Where the board application connects. The host opens these sockets, so 127.0.0.1 and ::1 are the host
    /// computer's own loopback: run an echo and an HTTP server there (for example `hss demo --serve`), or edit
    /// these to any address the host can reach.
    /// </summary>
    public static class BoardTargets
    {
        public static HssEndPoint Http()
        {
            return HssEndPoint.Parse("127.0.0.1:8080");
        }

        public static HssEndPoint TcpEcho()
        {
            return HssEndPoint.Parse("127.0.0.1:7007");
        }

        public static HssEndPoint UdpEcho()
        {
            return HssEndPoint.Parse("[::1]:7007");
        }

        public const int TcpEchoBytes = 64 * 1024;
        public const int UdpDatagrams = 16;
    }
}
