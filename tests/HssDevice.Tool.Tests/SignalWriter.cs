using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace HssDevice.Tool.Tests;

/// <summary>
/// A thread-safe captured output that can be awaited for a line: a command running on another task (hss host,
/// hss demo --serve) prints where it listens, and the test goes on from there.
/// </summary>
public sealed class SignalWriter : TextWriter
{
    private readonly object _lock = new();
    private readonly StringBuilder _text = new();
    private string _wanted = "\0";
    private TaskCompletionSource<string> _found = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
            Check();
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
            Check();
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    /// <summary>The first whole line that starts with prefix, once written.</summary>
    public Task<string> LineStartingWith(string prefix)
    {
        lock (_lock)
        {
            _wanted = prefix;
            _found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Check();
            return _found.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    private void Check()
    {
        foreach (string line in _text.ToString().Split('\n'))
        {
            if (line.StartsWith(_wanted, StringComparison.Ordinal) && _text.ToString().Contains(line + "\n"))
            {
                _found.TrySetResult(line.TrimEnd('\r'));
                return;
            }
        }
    }
}
