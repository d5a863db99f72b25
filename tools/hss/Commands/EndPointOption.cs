using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;
using HssDevice.Sockets;

namespace HssDevice.Tool.Commands;

/// <summary>Options whose values are ADDR:PORT (127.0.0.1:7007, [::1]:7007), checked when the command line is parsed.</summary>
internal static class EndPointOption
{
    /// <summary>A host-side endpoint (System.Net).</summary>
    public static Option<IPEndPoint> Ip(string name, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "ADDR:PORT",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                // The port must be written out, and an IPv6 address bracketed: "::1" alone would parse as port 0.
                if (IPEndPoint.TryParse(text, out IPEndPoint? endPoint) && Regex.IsMatch(text, @":[0-9]+$")
                    && (endPoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('[')))
                {
                    return endPoint;
                }

                result.AddError($"{name}: '{CommandValues.Shown(text)}' is not ADDR:PORT (e.g. 127.0.0.1:7000 or [::1]:7000)");
                return null!;
            },
        };

    /// <summary>Device-side targets (HssEndPoint, as the sample application takes them); the option may repeat.</summary>
    public static Option<HssEndPoint[]> Targets(string name, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "ADDR:PORT",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result =>
            {
                var targets = new HssEndPoint[result.Tokens.Count];
                for (int i = 0; i < targets.Length; i++)
                {
                    try
                    {
                        targets[i] = HssEndPoint.Parse(result.Tokens[i].Value);
                    }
                    catch (System.FormatException)
                    {
                        result.AddError($"{name}: '{result.Tokens[i].Value}' is not ADDR:PORT (e.g. 127.0.0.1:7007 or [::1]:7007)");
                        return [];
                    }
                }

                return targets;
            },
        };
}
