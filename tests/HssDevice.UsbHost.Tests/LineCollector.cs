using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HssDevice.UsbHost.Tests;

/// <summary>A TextWriter for an in-process `hss` run: keeps every line and lets a test wait for one.</summary>
internal sealed class LineCollector : TextWriter
{
    private readonly object _lock = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Prefix, TaskCompletionSource<string> Found)> _waiters = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
            if (value == '\n')
            {
                string[] lines = _text.ToString().Split('\n');
                string line = lines[^2];
                foreach (var waiter in _waiters.ToArray())
                {
                    if (line.StartsWith(waiter.Prefix, StringComparison.Ordinal))
                    {
                        waiter.Found.TrySetResult(line);
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    public Task<string> LineStartingWith(string prefix, TimeSpan timeout)
    {
        lock (_lock)
        {
            foreach (string line in _text.ToString().Split('\n'))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Task.FromResult(line);
                }
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((prefix, found));
            return found.Task.WaitAsync(timeout);
        }
    }
}
