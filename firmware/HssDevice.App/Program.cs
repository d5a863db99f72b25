// The board's entry point: it opens the board's USB link (BoardConnection), which exists only on nanoFramework.
#if NANOFRAMEWORK_1_0
using System;
using System.Diagnostics;
using System.Threading;
using HssDevice.Engine;
using HssDevice.Sample;
using HssDevice.Sockets;
using HssDevice.Usb;

namespace HssDevice.App
{
    /// <summary>
    /// Runs the sample application over HSS on the board chosen by HssBoard (HssBoard.targets): opens the USB link the
    /// board's settings name (the native USB function or UsbStream, BoardConnection), starts the engine with the
    /// board's budgets, and repeats the sample steps each time the host is attached, printing results to the debug
    /// output.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            BoardSettings board = SelectedBoard.Create();
            BoardConnection usb = BoardConnection.Open(board);
            // Once, as a nanoFramework app brings its network up; new HssSocket(...) then uses this engine.
            HssEngine engine = HssNetwork.Start(usb.Link, BoardSetup.EngineSettings(board));
            var progress = new DebugProgress();
            while (true)
            {
                if (!usb.IsUp)
                {
                    Thread.Sleep(500);
                    continue;
                }

                Report(Run(engine, progress));
                Thread.Sleep(10000);
            }
        }

        private static SampleResult[] Run(HssEngine engine, ISampleProgress progress)
        {
            var results = new SampleResult[3];
            results[0] = Step("HTTP GET", engine, progress, 0);
            results[1] = Step("TCP echo", engine, progress, 1);
            results[2] = Step("UDP echo", engine, progress, 2);
            return results;
        }

        private static SampleResult Step(string name, HssEngine engine, ISampleProgress progress, int which)
        {
            try
            {
                switch (which)
                {
                    case 0: return SampleApp.HttpGet(engine, BoardTargets.Http(), "/", progress);
                    case 1: return SampleApp.TcpEcho(engine, BoardTargets.TcpEcho(), BoardTargets.TcpEchoBytes, progress);
                    default: return SampleApp.UdpEcho(engine, BoardTargets.UdpEcho(), BoardTargets.UdpDatagrams, progress);
                }
            }
            catch (HssSocketException e)
            {
                return new SampleResult(name, false, e.Message + " (SocketError " + e.ErrorCode.ToString() + ", HSS " + e.HssCode.ToString() + ")");
            }
        }

        private static void Report(SampleResult[] results)
        {
            for (int i = 0; i < results.Length; i++)
            {
                Debug.WriteLine(results[i].ToString());
            }
        }

        private sealed class DebugProgress : ISampleProgress
        {
            public void Report(string step, int done, int total)
            {
            }

            public void Log(string message)
            {
                Debug.WriteLine(message);
            }
        }
    }
}
#endif
