using System;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.EndToEnd.Tests;

/// <summary>
/// Runs device application code (blocking, as on a board) on its own thread, so many devices or sockets never
/// starve the thread pool the host's async I/O runs on. Waits are bounded: a hang fails the test, never the run.
/// </summary>
public static class DeviceThread
{
    /// <summary>Generous bound for one test's device work (the link is not timed; this only catches hangs).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task Run(Action work, string name = "device app") => Run(() => { work(); return true; }, name);

    public static Task<T> Run<T>(Func<T> work, string name = "device app")
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return done.Task.WaitAsync(Patience);
    }
}
