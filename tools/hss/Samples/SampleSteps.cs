using System;
using System.Diagnostics;
using HssDevice.Engine;
using HssDevice.Sample;
using HssDevice.Sockets;

namespace HssDevice.Tool.Samples;

/// <summary>Builds the steps of the sample application for given targets, and runs one step on a device engine.</summary>
public static class SampleSteps
{
    public const int DefaultEchoBytes = 1024 * 1024;
    public const int DefaultDatagrams = 16;

    public static SampleStep HttpGet(HssEndPoint server, string path = "/") =>
        new("http-" + FamilyId(server), $"HTTP GET {path} ({FamilyName(server)}, {server})", 0,
            (engine, progress) => SampleApp.HttpGet(engine, server, path, progress));

    public static SampleStep TcpEcho(HssEndPoint server, int bytes) =>
        new("tcp-echo-" + FamilyId(server), $"TCP echo of {Size(bytes)} with Adler-32 ({FamilyName(server)}, {server})", bytes,
            (engine, progress) => SampleApp.TcpEcho(engine, server, bytes, progress));

    public static SampleStep UdpEcho(HssEndPoint server, int datagrams) =>
        new("udp-echo-" + FamilyId(server), $"UDP echo of {datagrams} datagrams ({FamilyName(server)}, {server})", datagrams,
            (engine, progress) => SampleApp.UdpEcho(engine, server, datagrams, progress));

    /// <summary>Runs a step on the calling thread (the device application's thread); a socket error fails the step.</summary>
    public static StepOutcome Run(SampleStep step, HssEngine engine, ISampleProgress progress)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            SampleResult result = step.Run(engine, progress);
            return new StepOutcome(step, result.Ok, false, result.Detail, clock.Elapsed);
        }
        catch (HssSocketException e)
        {
            return new StepOutcome(step, false, false, $"{e.Message} (SocketError {e.SocketErrorCode}, HSS code {e.HssCode})", clock.Elapsed);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or ArgumentException)
        {
            return new StepOutcome(step, false, false, e.GetType().Name + ": " + e.Message, clock.Elapsed);
        }
    }

    public static StepOutcome Skip(SampleStep step, string why) => new(step, false, true, why, TimeSpan.Zero);

    public static string Size(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB"
        : $"{bytes} B";

    private static string FamilyId(HssEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "v6" : "v4";

    private static string FamilyName(HssEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}
