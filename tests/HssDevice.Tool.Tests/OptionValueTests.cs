using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.Linq;
using Xunit;

namespace HssDevice.Tool.Tests;

/// <summary>
/// Every option of every command that takes a value refuses bad values with one error line naming the option and
/// the exit code of a usage error, before anything runs (issue 16: non-numbers crashed the tool with exit 134).
/// The options are enumerated from the command tree, so an option added without an entry in <see cref="BadValues"/>
/// fails <see cref="EveryValueOption_HasBadValuesInTheTable"/>: give it bad values (and the validation that refuses
/// them), or list it in <see cref="AnyText"/> with the reason any text is fine.
/// </summary>
public class OptionValueTests
{
    /// <summary>"command --option" to values that must be refused.</summary>
    private static readonly Dictionary<string, string[]> BadValues = new()
    {
        ["decode --max-data"] = ["abc", "-1", "1.5", "2147483648", ""],

        ["descriptors --board"] = ["no-such-board", "../boards/esp32-s3", ""],
        ["descriptors --speed"] = ["low", "FULL", ""],
        ["descriptors --profile"] = ["hid", ""],
        ["descriptors --boards-dir"] = ["/no/such/folder"],

        ["demo --speed"] = ["super", ""],
        ["demo --bytes"] = ["abc", "0", "-5", "1e3", "0x10", "2147483648"],
        ["demo --datagrams"] = ["abc", "0", "-1", "1.0"],
        ["demo --http-port"] = ["abc", "-1", "65536", "80.5"],
        ["demo --tcp-port"] = ["abc", "-1", "65536"],
        ["demo --udp-port"] = ["abc", "-1", "65536"],
        ["demo --fault"] = ["nonsense", "7", ""],

        ["host --listen"] = ["127.0.0.1", "localhost:7000", "::1:7000", "abc"],
        ["host --log-level"] = ["loud", "42", ""],
        ["host --allow"] = ["10.0.0.0/33", "abc", "10.0.0.0/8:70000"],
        ["host --deny"] = ["10.0.0.0/33", "abc"],
        ["host --max-devices"] = ["x", "0", "-1", "1.5", "99999999999"],
        ["host --max-sockets"] = ["x", "0", "65536"],
        ["host --max-buffered-bytes"] = ["x", "0", "2147483648"],
        ["host --first-packet-timeout"] = ["x", "-1", "nan", "Infinity", "1e300"],
        ["host --idle-timeout"] = ["x", "-0.5", "NaN", "1e300"],
        ["host --device"] = ["zz", "1209", "1209:", "12345:0001"],
        ["host --max-devices-per-address"] = ["x", "0", "-1", "1.5"],
        ["host --packet-timeout"] = ["x", "-1", "NaN", "1e300"],
        ["host --pcap"] = ["", "/tmp/", "/"],
        ["host --pcap-max-bytes"] = ["x", "0", "1000", "-1", "1.5"],
        ["demo --pcap"] = ["", "/"],
        ["demo --pcap-max-bytes"] = ["x", "0", "1000"],
        ["emulate --pcap"] = ["", "/"],
        ["emulate --pcap-max-bytes"] = ["x", "0", "1000"],

        ["emulate --connect"] = ["127.0.0.1", "nowhere:1", "abc"],
        ["emulate --usbip"] = ["abc", "70000", "127.0.0.1:x"],
        ["emulate --board"] = ["no-such-board"],
        ["emulate --speed"] = ["low"],
        ["emulate --profile"] = ["hid"],
        ["emulate --boards-dir"] = ["/no/such/folder"],
        ["emulate --log-level"] = ["loud", "3"],
        ["emulate --http"] = ["nowhere", "127.0.0.1"],
        ["emulate --tcp-echo"] = ["nowhere", "[::1]"],
        ["emulate --udp-echo"] = ["nowhere"],
        ["emulate --bytes"] = ["abc", "0", "-1"],
        ["emulate --datagrams"] = ["abc", "0"],
        ["emulate --path"] = ["index.html", "/a b", "/a\r\nHost: x", ""],

        ["bench --runs"] = ["abc", "0", "-1", "2.5"],
        ["bench --bytes"] = ["abc", "0", "1073741825"],
        ["bench --round-trips"] = ["abc", "0"],
        ["bench --speed"] = ["low"],
        ["bench --devices"] = ["abc", "0", "-3"],
        ["bench --idle-devices"] = ["abc", "0"],
        ["bench --seconds"] = ["abc", "0", "-1", "nan", "1e9"],

        ["fuzz --count"] = ["abc", "0", "-1", "1e6"],
        ["fuzz --seed"] = ["abc", "-1", "1.5", "2147483647"],

        ["soak --minutes"] = ["abc", "0", "-1", "NaN", "Infinity", "1e300"],
        ["soak --tcp"] = ["abc", "-1", "33"],
        ["soak --udp"] = ["abc", "-1", "33"],
        ["soak --speed"] = ["low"],
    };

    /// <summary>Options where any text is a valid value, with the reason.</summary>
    private static readonly Dictionary<string, string> AnyText = new()
    {
        ["bench --only"] = "a filter on the measurements' names: text that matches none is not an error, it selects none",
    };

    /// <summary>Arguments a command needs so that the option under test is its only problem (an option's own pair is left out).</summary>
    private static readonly Dictionary<string, string[]> Context = new()
    {
        ["decode"] = [Examples.Close],
        ["descriptors"] = ["--board", "esp32-s3"],
        ["host"] = ["--listen", "127.0.0.1:0"],
        ["emulate"] = ["--connect", "127.0.0.1:9"],
    };

    /// <summary>Context for one option, where the command's does not fit it.</summary>
    private static readonly Dictionary<string, string[]> OptionContext = new()
    {
        ["host --device"] = ["--usb"],
        ["emulate --usbip"] = [],
    };

    private static IEnumerable<(string Command, Option Option)> ValueOptions()
    {
        foreach (Command command in Program.CreateRootCommand().Subcommands)
        {
            foreach (Option option in command.Options)
            {
                if (option is HelpOption || option is VersionOption || option.ValueType == typeof(bool))
                {
                    continue;
                }

                yield return (command.Name, option);
            }
        }
    }

    [Fact]
    public void EveryValueOption_HasBadValuesInTheTable()
    {
        var options = ValueOptions().Select(o => o.Command + " " + o.Option.Name).ToList();
        Assert.True(options.Count >= 40, $"only {options.Count} value options found: the enumeration is broken");
        var missing = options.Where(o => !BadValues.ContainsKey(o) && !AnyText.ContainsKey(o)).ToList();
        Assert.True(missing.Count == 0, "options without bad values in OptionValueTests.BadValues (add them, and their validation): " + string.Join(", ", missing));
        var stale = BadValues.Keys.Concat(AnyText.Keys).Where(k => !options.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "table entries for options that do not exist: " + string.Join(", ", stale));
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach ((string key, string[] values) in BadValues)
        {
            foreach (string value in values)
            {
                data.Add(key, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadValue_IsOneLine_AndAUsageError(string commandAndOption, string value)
    {
        string[] args = ArgsFor(commandAndOption, value);
        string shown = string.Join(' ', args.Select(a => a.Length == 0 ? "''" : a));
        // Parsed first, without running: an option that lets a bad value through must not start a command.
        ParseResult parsed = Program.Parse(args);
        Assert.True(parsed.Errors.Count > 0, $"`hss {shown}` was accepted");

        var run = ToolRun.Of(args);
        Assert.True(ExitCodes.Usage == run.ExitCode, $"`hss {shown}` exited {run.ExitCode}; stderr: {run.Error}");
        Assert.Equal("", run.Output);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"`hss {shown}` printed {lines.Length} error lines:\n{run.Error}");
        string option = commandAndOption.Split(' ')[1];
        Assert.Contains(option, lines[0]);
    }

    [Theory]
    [InlineData("soak", "--tcp", "0", "--udp", "0")]
    [InlineData("soak", "--tcp", "20", "--udp", "20")]
    [InlineData("soak", "--tcp", "x", "--udp", "0")]
    [InlineData("host", "--listen", "127.0.0.1:0", "--usb")]
    [InlineData("host", "--listen", "127.0.0.1:0", "--device", "1209:0001")]
    [InlineData("emulate", "--connect", "127.0.0.1:9", "--usbip", "3240")]
    public void BadCombinations_AreOneLine_AndAUsageError(params string[] args)
    {
        Assert.True(Program.Parse(args).Errors.Count > 0);
        var run = ToolRun.Of(args);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("soak", "--tcp", "0", "--udp", "1")]
    [InlineData("soak", "--tcp", "32", "--udp", "0")]
    [InlineData("host", "--listen", "127.0.0.1:0", "--max-sockets", "65535", "--idle-timeout", "0", "--first-packet-timeout", "1.5")]
    [InlineData("demo", "--serve", "--http-port", "0", "--tcp-port", "65535", "--fault", "tcpecho")]
    [InlineData("emulate", "--usbip", "--board", "stm32f769i-discovery", "--log-level", "debug", "--path", "/index.html?a=1")]
    [InlineData("fuzz", "--count", "1", "--seed", "0")]
    [InlineData("bench", "--seconds", "0.5", "--runs", "1000", "--only", "anything at all")]
    public void GoodValues_Parse(params string[] args)
    {
        ParseResult parsed = Program.Parse(args);
        Assert.True(parsed.Errors.Count == 0, string.Join("; ", parsed.Errors.Select(e => e.Message)));
    }

    private static string[] ArgsFor(string commandAndOption, string value)
    {
        string[] parts = commandAndOption.Split(' ');
        string command = parts[0];
        string option = parts[1];
        string[] context = OptionContext.TryGetValue(commandAndOption, out string[]? special) ? special
            : Context.TryGetValue(command, out string[]? common) ? common : [];
        var args = new List<string> { command };
        for (int i = 0; i < context.Length; i++)
        {
            // Leave out the context's own pair for this option.
            if (context[i] == option)
            {
                i++;
                continue;
            }

            args.Add(context[i]);
        }

        // --option=value, so that values starting with '-' are taken as values.
        args.Add(option + "=" + value);
        return args.ToArray();
    }
}
