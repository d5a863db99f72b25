using System.Xml.Linq;

namespace HssDevice.Tools.NfProjSync;

/// <summary>The package versions nf.props pins, by NuGet package id.</summary>
public sealed class NfProps
{
    /// <summary>Which nf.props property holds each nanoFramework package's version.</summary>
    public static readonly IReadOnlyDictionary<string, string> VersionProperties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["nanoFramework.CoreLibrary"] = "NfCoreLibraryVersion",
        ["nanoFramework.System.Collections"] = "NfSystemCollectionsVersion",
        ["nanoFramework.Runtime.Events"] = "NfRuntimeEventsVersion",
        ["nanoFramework.System.Text"] = "NfSystemTextVersion",
        ["nanoFramework.System.IO.Streams"] = "NfSystemIOStreamsVersion",
        ["nanoFramework.System.Device.UsbStream"] = "NfUsbStreamVersion",
        ["nanoFramework.TestFramework"] = "NfTestFrameworkVersion",
    };

    private readonly Dictionary<string, string> _properties;

    private NfProps(string path, Dictionary<string, string> properties)
    {
        Path = path;
        _properties = properties;
    }

    public string Path { get; }

    public static NfProps Load(string path)
    {
        XDocument xml = XDocument.Load(path);
        var properties = xml.Root!.Elements().Where(e => e.Name.LocalName == "PropertyGroup")
            .SelectMany(g => g.Elements())
            .GroupBy(e => e.Name.LocalName)
            .ToDictionary(g => g.Key, g => g.Last().Value.Trim());
        return new NfProps(path, properties);
    }

    /// <summary>The pinned version of a package, or null when nf.props does not pin it.</summary>
    public string? VersionOf(string packageId) =>
        VersionProperties.TryGetValue(packageId, out string? property) && _properties.TryGetValue(property, out string? version) ? version : null;
}
