using System;
using System.Collections.Generic;
using System.Globalization;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// `proxy [--json] [--runs 3] [--bytes N] [--warmup-bytes N] [--settings a,b] [--sizes a,b] [--devices a,b] [--directions a,b]`: the
    /// interpreter proxy of issue 9. For every combination (the median of --runs runs by throughput) it prints per packet what an interpreter pays for:
    /// wake-ups of the device's threads, lock contention, thread-pool work items and allocated bytes, beside the
    /// zero-work device (the link's own cost). The same code runs under .NET (this project) and under Mono's
    /// interpreter (tools/interp/run.sh), where the .NET-only counters print -1.
    /// </summary>
    public static class ProxyCommand
    {
        public static int Run(string[] args)
        {
            bool json = false;
            int runs = 3;
            long warmupBytes = -1;
            long bytes = 8L * 1024 * 1024;
            string[] settings = { ProxyCase.Defaults, "esp32-s3", "stm32f769i-discovery" };
            string[] sizes = { "1024", "16384" };
            string[] devices = { "zero-work", "engine" };
            string[] directions = { "device-to-host", "host-to-device" };
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--json":
                        json = true;
                        break;
                    case "--runs":
                        runs = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture);
                        break;
                    case "--warmup-bytes":
                        warmupBytes = long.Parse(Value(args, ++i), CultureInfo.InvariantCulture);
                        break;
                    case "--bytes":
                        bytes = long.Parse(Value(args, ++i), CultureInfo.InvariantCulture);
                        break;
                    case "--settings":
                        settings = Value(args, ++i).Split(',');
                        break;
                    case "--sizes":
                        sizes = Value(args, ++i).Split(',');
                        break;
                    case "--devices":
                        devices = Value(args, ++i).Split(',');
                        break;
                    case "--directions":
                        directions = Value(args, ++i).Split(',');
                        break;
                    default:
                        Console.Error.WriteLine("proxy: unknown option " + args[i]);
                        return 2;
                }
            }

            var results = new List<ProxyResult>();
            if (!json)
            {
                Console.WriteLine("per packet (TRANSMIT in the run's direction): wake-ups = voluntary context switches of the application thread,");
                Console.WriteLine("command reader, data reader, other threads and their sum (app+readers); preem = preemptions of those three;");
                Console.WriteLine("lockc = Monitor lock contentions; tpool = thread-pool work items; alloc = bytes allocated on the three threads (-1: not on this runtime)");
                Console.WriteLine("engine counters (EngineCounters, HSS_COUNTERS builds; -1: zero-work or not counted): locks entered, events set, sets nobody waited for, waits, waits that blocked, link reads");
                Console.WriteLine(ProxyResult.Header);
            }

            foreach (string s in settings)
            {
                foreach (string direction in directions)
                {
                    foreach (string size in sizes)
                    {
                        foreach (string device in devices)
                        {
                            var c = new ProxyCase(device, s, direction == "device-to-host", int.Parse(size, CultureInfo.InvariantCulture), bytes);
                            c.WarmupBytes = warmupBytes;
                            ProxyResult r = Median(c, runs);
                            results.Add(r);
                            if (!json)
                            {
                                Console.WriteLine(r.ToString());
                            }
                        }
                    }
                }
            }

            if (json)
            {
                Console.Write('[');
                for (int i = 0; i < results.Count; i++)
                {
                    Console.Write(i == 0 ? "\n  " : ",\n  ");
                    Console.Write(results[i].ToJson());
                }

                Console.WriteLine("\n]");
            }

            return 0;
        }

        /// <summary>The run with the median throughput of several (the machine is shared: single runs vary).</summary>
        private static ProxyResult Median(ProxyCase c, int runs)
        {
            var all = new List<ProxyResult>();
            for (int i = 0; i < runs; i++)
            {
                all.Add(ProxyRunner.Run(c));
            }

            all.Sort((a, b) => a.MegabytesPerSecond.CompareTo(b.MegabytesPerSecond));
            return all[all.Count / 2];
        }

        private static string Value(string[] args, int i)
        {
            if (i >= args.Length)
            {
                throw new ArgumentException("option " + args[i - 1] + " needs a value");
            }

            return args[i];
        }
    }
}
