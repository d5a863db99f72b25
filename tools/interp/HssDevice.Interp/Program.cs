using HssDevice.Benchmarks.Proxy;

namespace HssDevice.Interp
{
    /// <summary>The proxy command of tests/HssDevice.Benchmarks, same arguments, for Mono (see tools/interp/run.sh).</summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            return ProxyCommand.Run(args);
        }
    }
}
