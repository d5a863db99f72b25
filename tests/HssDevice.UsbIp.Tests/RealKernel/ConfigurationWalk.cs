using System.Collections.Generic;

namespace HssDevice.UsbIp.Tests.RealKernel;

/// <summary>Interfaces and endpoints read straight from configuration descriptor bytes (USB 2.0 sections 9.6.5, 9.6.6).</summary>
public static class ConfigurationWalk
{
    public static List<(int Number, int Class, int Subclass, int Protocol, int StringIndex, List<(int Address, int Type, int MaxPacket, int Interval)> Endpoints)>
        Interfaces(byte[] configuration)
    {
        var result = new List<(int, int, int, int, int, List<(int, int, int, int)>)>();
        for (int o = 0; o + 2 <= configuration.Length && configuration[o] >= 2; o += configuration[o])
        {
            if (configuration[o + 1] == 4)
            {
                result.Add((configuration[o + 2], configuration[o + 5], configuration[o + 6], configuration[o + 7], configuration[o + 8], new List<(int, int, int, int)>()));
            }
            else if (configuration[o + 1] == 5 && result.Count > 0)
            {
                result[^1].Item6.Add((configuration[o + 2], configuration[o + 3] & 3, configuration[o + 4] | (configuration[o + 5] << 8), configuration[o + 6]));
            }
        }

        return result;
    }
}
