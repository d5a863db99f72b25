using System;
using System.Text;
using HssDevice.Engine;
using HssDevice.Sockets;

namespace HssDevice.Sample
{
    /// <summary>
    /// The sample device application: what a board runs once its HSS link is up, and what `hss demo` runs on the
    /// emulated device. Each step uses HssSocket exactly as application code would.
    /// </summary>
    public static class SampleApp
    {
        private const int ChunkSize = 1024;

        /// <summary>HTTP/1.0 GET of path; passes when the status is 200 and the body is not empty.</summary>
        public static SampleResult HttpGet(HssEngine engine, HssEndPoint server, string path, ISampleProgress progress)
        {
            string step = "HTTP GET " + path + " from " + server.ToString();
            HssSocket socket = new HssSocket(engine, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.ReceiveTimeout = 10000;
                socket.Connect(server);
                byte[] request = Encoding.UTF8.GetBytes("GET " + path + " HTTP/1.0\r\nHost: " + server.ToString() + "\r\nConnection: close\r\n\r\n");
                socket.Send(request);
                socket.Shutdown(SocketShutdown.Send);
                byte[] response = new byte[8192];
                int length = 0;
                while (length < response.Length)
                {
                    int n = socket.Receive(response, length, response.Length - length, SocketFlags.None);
                    if (n == 0)
                    {
                        break;
                    }

                    length += n;
                    progress.Report(step, length, 0);
                }

                string text = new string(Encoding.UTF8.GetChars(response, 0, length));
                int bodyStart = text.IndexOf("\r\n\r\n");
                bool ok = text.IndexOf("HTTP/1.") == 0 && text.IndexOf(" 200 ") > 0 && bodyStart > 0 && bodyStart + 4 < length;
                string statusLine = text.IndexOf("\r\n") > 0 ? text.Substring(0, text.IndexOf("\r\n")) : text;
                return new SampleResult(step, ok, statusLine + ", " + length.ToString() + " bytes");
            }
            finally
            {
                socket.Close();
            }
        }

        /// <summary>Sends total bytes to a TCP echo server while reading the echo; passes when both checksums match.</summary>
        public static SampleResult TcpEcho(HssEngine engine, HssEndPoint server, int total, ISampleProgress progress)
        {
            string step = "TCP echo of " + total.ToString() + " bytes via " + server.ToString();
            HssSocket socket = new HssSocket(engine, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.ReceiveTimeout = 10000;
                socket.SendTimeout = 10000;
                socket.Connect(server);
                byte[] chunk = new byte[ChunkSize];
                byte[] echo = new byte[ChunkSize];
                var sent = new Adler32();
                var received = new Adler32();
                int sentBytes = 0;
                int receivedBytes = 0;
                while (receivedBytes < total)
                {
                    // Keep at most a few chunks outstanding so the echo never blocks on our own unread data.
                    while (sentBytes < total && sentBytes - receivedBytes < 4 * ChunkSize)
                    {
                        int n = total - sentBytes < ChunkSize ? total - sentBytes : ChunkSize;
                        Fill(chunk, sentBytes, n);
                        sent.Update(chunk, 0, n);
                        socket.Send(chunk, 0, n, SocketFlags.None);
                        sentBytes += n;
                    }

                    int r = socket.Receive(echo, 0, echo.Length, SocketFlags.None);
                    if (r == 0)
                    {
                        return new SampleResult(step, false, "echo ended after " + receivedBytes.ToString() + " bytes");
                    }

                    received.Update(echo, 0, r);
                    receivedBytes += r;
                    progress.Report(step, receivedBytes, total);
                }

                bool ok = sent.Value == received.Value && receivedBytes == total;
                return new SampleResult(step, ok, "adler32 sent " + sent.Value.ToString("x8") + ", echoed " + received.Value.ToString("x8"));
            }
            finally
            {
                socket.Close();
            }
        }

        /// <summary>Sends count datagrams of different sizes to a UDP echo server; passes when each comes back intact.</summary>
        public static SampleResult UdpEcho(HssEngine engine, HssEndPoint server, int count, ISampleProgress progress)
        {
            string step = "UDP echo of " + count.ToString() + " datagrams via " + server.ToString();
            HssSocket socket = new HssSocket(engine, server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.ReceiveTimeout = 2000;
                socket.Connect(server);
                byte[] datagram = new byte[512];
                byte[] echo = new byte[600];
                int matched = 0;
                for (int i = 0; i < count; i++)
                {
                    int size = 1 + ((i * 97) % datagram.Length);
                    Fill(datagram, i * 31, size);
                    socket.Send(datagram, 0, size, SocketFlags.None);
                    int n = socket.Receive(echo, 0, echo.Length, SocketFlags.None);
                    if (n == size && SameBytes(datagram, echo, size))
                    {
                        matched++;
                    }

                    progress.Report(step, i + 1, count);
                }

                return new SampleResult(step, matched == count, matched.ToString() + " of " + count.ToString() + " datagrams echoed intact");
            }
            finally
            {
                socket.Close();
            }
        }

        /// <summary>
        /// Waits until every socket the application closed is closed on the host too: Close sends CLOSE in the
        /// background and the socket leaves the table only when the host has answered it. An application that ends,
        /// or unplugs its link, right after its last Close must call this first, or that socket stays open on the
        /// host until the link goes down (docs/protocol.md section 8). True when the table is empty in time.
        /// </summary>
        public static bool WaitForSocketsClosed(HssEngine engine, int timeoutMs)
        {
            DateTime deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (engine.SocketsInUse > 0)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                System.Threading.Thread.Sleep(10);
            }

            return true;
        }

        /// <summary>Deterministic test data: the byte at stream position p is a function of p.</summary>
        public static void Fill(byte[] buffer, int position, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int p = position + i;
                buffer[i] = (byte)((p * 31) ^ (p >> 8));
            }
        }

        private static bool SameBytes(byte[] a, byte[] b, int count)
        {
            var x = new Adler32();
            var y = new Adler32();
            x.Update(a, 0, count);
            y.Update(b, 0, count);
            return x.Value == y.Value;
        }
    }
}
