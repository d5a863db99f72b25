using System;

namespace HssDevice.Host.Emulation;

/// <summary>USB 2.0 bus speeds the emulated link models.</summary>
public enum UsbSpeed
{
    /// <summary>12 Mbit/s: bulk wMaxPacketSize 64, 1 ms frames.</summary>
    FullSpeed,

    /// <summary>480 Mbit/s: bulk wMaxPacketSize 512, 125 us microframes.</summary>
    HighSpeed,
}

/// <summary>Per-speed constants (USB 2.0 sections 5.8.3 and 5.8.4).</summary>
public static class UsbSpeedFacts
{
    public const int InterruptMaxPacketSize = 64;

    public static int BulkMaxPacketSize(UsbSpeed speed) => speed == UsbSpeed.FullSpeed ? 64 : 512;

    /// <summary>Length of a (micro)frame in microseconds: 1000 at full speed, 125 at high speed.</summary>
    public static double FrameMicroseconds(UsbSpeed speed) => speed == UsbSpeed.FullSpeed ? 1000.0 : 125.0;

    /// <summary>Most bulk packets of wMaxPacketSize one (micro)frame carries: 19 at full speed, 13 at high speed.</summary>
    public static int BulkPacketsPerFrame(UsbSpeed speed) => speed == UsbSpeed.FullSpeed ? 19 : 13;

    /// <summary>Bulk payload ceiling in bytes per second: 1,216,000 at full speed, 53,248,000 at high speed.</summary>
    public static long BulkCeilingBytesPerSecond(UsbSpeed speed) =>
        (long)Math.Round(BulkPacketsPerFrame(speed) * BulkMaxPacketSize(speed) * (1_000_000.0 / FrameMicroseconds(speed)));

    /// <summary>
    /// The period a host polls an interrupt endpoint asked for every <paramref name="microseconds"/> (USB 2.0 section
    /// 9.6.6): whole 1 ms frames (at least one) at full speed, a power of two of 125 us microframes at high speed,
    /// rounded down.
    /// </summary>
    public static int PolledIntervalMicroseconds(UsbSpeed speed, int microseconds)
    {
        if (speed == UsbSpeed.FullSpeed)
        {
            return Math.Max(1, microseconds / 1000) * 1000;
        }

        int microframes = Math.Max(1, microseconds / 125);
        int power = 1;
        while (power * 2 <= microframes)
        {
            power *= 2;
        }

        return power * 125;
    }

    public static string NameOf(UsbSpeed speed) => speed == UsbSpeed.FullSpeed ? "full" : "high";
}
