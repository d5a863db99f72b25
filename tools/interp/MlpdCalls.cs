// Reads two Mono log-profiler files (mono --profile=log:calls) of the same run at two sizes and prints, per packet
// of steady state, how often each method was entered: (calls in the long run - calls in the short run) / (packets
// in the long run - packets in the short run), so start-up, first calls and the proxy's own counter reads cancel.
// Debian ships Mono.Profiler.Log.dll (the file format's reader) but not mprof-report; tools/interp/run.sh compiles
// this with mcs against that library. Plain C# 7 for mcs.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Profiler.Log;

public static class MlpdCalls
{
    private static readonly string[] Groups = { "HssDevice.Engine.", "HssDevice.Sockets.", "HssDevice.Wire.", "HssDevice.Benchmarks.Proxy.", "System.Threading." };

    // Callees counted by caller: C# `lock` (Monitor.Enter), Monitor.Wait/Pulse, event Set/Reset and waits.
    private static readonly string[] Synchronisation =
    {
        "System.Threading.Monitor:Enter (object,bool&)", "System.Threading.Monitor:Wait (object,int", "System.Threading.Monitor:Pulse",
        "System.Threading.EventWaitHandle:Set", "System.Threading.EventWaitHandle:Reset", "System.Threading.WaitHandle:WaitOne (int,bool)",
    };

    private static Dictionary<string, double> Delta(Dictionary<string, long> shortRun, Dictionary<string, long> longRun, double packets)
    {
        var d = new Dictionary<string, double>();
        foreach (KeyValuePair<string, long> e in longRun)
        {
            long before;
            shortRun.TryGetValue(e.Key, out before);
            double v = (e.Value - before) / packets;
            if (v > 0.005)
            {
                d[e.Key] = v;
            }
        }

        return d;
    }

    public static int Main(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: MlpdCalls.exe SHORT.mlpd SHORT_PACKETS LONG.mlpd LONG_PACKETS [top] [name-filter]");
            return 2;
        }

        CallCounter shortRun = Read(args[0]);
        CallCounter longRun = Read(args[2]);
        double packets = double.Parse(args[3]) - double.Parse(args[1]);
        int top = args.Length > 4 ? int.Parse(args[4]) : 40;
        string filter = args.Length > 5 ? args[5] : "";
        if (packets <= 0)
        {
            Console.Error.WriteLine("the long run must have more packets than the short one");
            return 2;
        }

        Dictionary<string, double> perPacket = Delta(shortRun.ByName(), longRun.ByName(), packets);

        Console.WriteLine("method calls per packet (steady state, {0} packets between the two runs): {1:0.0} in all", packets, perPacket.Values.Sum());
        foreach (string g in Groups)
        {
            Console.WriteLine("  {0,-30} {1,8:0.0}", g + "*", perPacket.Where(e => e.Key.StartsWith(g, StringComparison.Ordinal)).Sum(e => e.Value));
        }

        Console.WriteLine("  {0,-30} {1,8:0.0}", "anything else", perPacket.Where(e => !Groups.Any(g => e.Key.StartsWith(g, StringComparison.Ordinal))).Sum(e => e.Value));
        Console.WriteLine("synchronisation per packet, by the method that called it (lock = Monitor.Enter):");
        foreach (var e in Delta(shortRun.EdgesByName(), longRun.EdgesByName(), packets).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (Synchronisation.Any(x => e.Key.StartsWith(x, StringComparison.Ordinal)))
            {
                Console.WriteLine("{0,10:0.00}  {1}", e.Value, e.Key);
            }
        }

        Console.WriteLine("{0,10}  {1}", "per packet", "method");
        foreach (var e in perPacket.OrderByDescending(e => e.Value))
        {
            if (filter.Length > 0 && e.Key.IndexOf(filter, StringComparison.Ordinal) < 0)
            {
                continue;
            }

            Console.WriteLine("{0,10:0.00}  {1}", e.Value, e.Key);
            if (--top == 0)
            {
                break;
            }
        }

        return 0;
    }

    private static CallCounter Read(string path)
    {
        var counter = new CallCounter();
        using (var file = File.OpenRead(path))
        {
            new LogProcessor(new LogStream(file), counter, null).Process();
        }

        return counter;
    }

    private sealed class CallCounter : LogEventVisitor
    {
        private readonly Dictionary<long, long> _calls = new Dictionary<long, long>();
        private readonly Dictionary<long, List<long>> _stacks = new Dictionary<long, List<long>>();
        // Calls per (callee, caller, caller's caller), so a call made from inside the class library (Monitor.Wait(object)
        // calling Monitor.Wait(object,int,bool)) can be charged to the first caller outside it.
        private readonly Dictionary<Frames, long> _callers = new Dictionary<Frames, long>();
        private Dictionary<string, long> _edges;

        /// <summary>Calls per "callee <- caller" pair of names (the caller is the method that made the call).</summary>
        public Dictionary<string, long> EdgesByName()
        {
            if (_edges == null)
            {
                _edges = new Dictionary<string, long>();
                foreach (KeyValuePair<Frames, long> e in _callers)
                {
                    string caller = NameOf(e.Key.Caller);
                    if (caller.StartsWith("System.", StringComparison.Ordinal) || caller.StartsWith("(wrapper", StringComparison.Ordinal))
                    {
                        caller = NameOf(e.Key.CallersCaller) + " via " + caller;
                    }

                    string key = NameOf(e.Key.Callee) + " <- " + caller;
                    long n;
                    _edges.TryGetValue(key, out n);
                    _edges[key] = n + e.Value;
                }
            }

            return _edges;
        }

        private string NameOf(long method)
        {
            string name;
            return method == 0 ? "(thread start)" : _names.TryGetValue(method, out name) ? name : "(unnamed method)";
        }

        public override void Visit(LeaveEvent ev)
        {
            List<long> stack;
            if (_stacks.TryGetValue(ev.Buffer.ThreadId, out stack) && stack.Count > 0)
            {
                stack.RemoveAt(stack.Count - 1);
            }
        }
        private readonly Dictionary<long, string> _names = new Dictionary<long, string>();
        private Dictionary<string, long> _byName;

        /// <summary>Calls per method name (method pointers differ between runs; names do not).</summary>
        public Dictionary<string, long> ByName()
        {
            if (_byName == null)
            {
                _byName = new Dictionary<string, long>();
                foreach (KeyValuePair<long, long> e in _calls)
                {
                    string name = NameOf(e.Key);
                    long n;
                    _byName.TryGetValue(name, out n);
                    _byName[name] = n + e.Value;
                }
            }

            return _byName;
        }

        public override void Visit(JitEvent ev)
        {
            _names[ev.MethodPointer] = ev.Name;
        }

        public override void Visit(EnterEvent ev)
        {
            long n;
            _calls.TryGetValue(ev.MethodPointer, out n);
            _calls[ev.MethodPointer] = n + 1;

            List<long> stack;
            if (!_stacks.TryGetValue(ev.Buffer.ThreadId, out stack))
            {
                stack = new List<long>();
                _stacks[ev.Buffer.ThreadId] = stack;
            }

            var frames = new Frames(ev.MethodPointer, stack.Count > 0 ? stack[stack.Count - 1] : 0, stack.Count > 1 ? stack[stack.Count - 2] : 0);
            _callers.TryGetValue(frames, out n);
            _callers[frames] = n + 1;
            stack.Add(ev.MethodPointer);
        }
    }

    private struct Frames : IEquatable<Frames>
    {
        public readonly long Callee;
        public readonly long Caller;
        public readonly long CallersCaller;

        public Frames(long callee, long caller, long callersCaller)
        {
            Callee = callee;
            Caller = caller;
            CallersCaller = callersCaller;
        }

        public bool Equals(Frames other)
        {
            return Callee == other.Callee && Caller == other.Caller && CallersCaller == other.CallersCaller;
        }

        public override bool Equals(object obj)
        {
            return obj is Frames && Equals((Frames)obj);
        }

        public override int GetHashCode()
        {
            return (Callee.GetHashCode() * 397 ^ Caller.GetHashCode()) * 397 ^ CallersCaller.GetHashCode();
        }
    }
}
