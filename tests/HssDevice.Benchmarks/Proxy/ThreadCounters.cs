using System;
using System.IO;
using System.Runtime.InteropServices;

namespace HssDevice.Benchmarks.Proxy
{
    /// <summary>
    /// What Linux counts per thread in /proc/self/task/TID/status: voluntary context switches (the thread blocked
    /// and was woken again: one wake-up each) and involuntary ones (preempted). An interpreter pays for every
    /// wake-up with a scheduler pass and a cold cache, so these are the proxy's first measure. Plain C# (no Span, no
    /// .NET Core APIs) so that the Mono build of the proxy (tools/interp) compiles the same file.
    /// </summary>
    public static class ThreadCounters
    {
        /// <summary>The calling thread's kernel thread id (glibc's gettid, in Debian 12's libc).</summary>
        public static int CurrentThreadId()
        {
            return NativeGetTid();
        }

        /// <summary>Bytes the calling thread has allocated so far; -1 where the runtime cannot tell (Mono, .NET Framework).</summary>
        public static long AllocatedBytes()
        {
#if NETCOREAPP
            return GC.GetAllocatedBytesForCurrentThread();
#else
            return -1;
#endif
        }

        /// <summary>Voluntary context switches of the thread so far; -1 when it has ended (no status file).</summary>
        public static long Voluntary(int tid)
        {
            return Read(tid, "voluntary_ctxt_switches:");
        }

        /// <summary>Involuntary context switches (preemptions) of the thread so far; -1 when it has ended.</summary>
        public static long Involuntary(int tid)
        {
            return Read(tid, "nonvoluntary_ctxt_switches:");
        }

        /// <summary>Sum of voluntary context switches over every thread of the process now (threads that ended are not counted).</summary>
        public static long ProcessVoluntary()
        {
            long sum = 0;
            foreach (string dir in Directory.GetDirectories("/proc/self/task"))
            {
                int tid;
                if (int.TryParse(Path.GetFileName(dir), out tid))
                {
                    long v = Voluntary(tid);
                    if (v > 0)
                    {
                        sum += v;
                    }
                }
            }

            return sum;
        }

        private static long Read(int tid, string key)
        {
            string path = "/proc/self/task/" + tid.ToString() + "/status";
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (IOException)
            {
                return -1;
            }
            catch (UnauthorizedAccessException)
            {
                return -1;
            }

            foreach (string line in lines)
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line.Substring(key.Length).Trim());
                }
            }

            throw new InvalidDataException(path + " has no " + key);
        }

        [DllImport("libc.so.6", EntryPoint = "gettid")]
        private static extern int NativeGetTid();
    }
}
