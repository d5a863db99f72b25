using HssDevice.Host.Usb.LibUsb;
using HssDevice.Usb.Boards;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>
/// libusb hands out configurations parsed (struct libusb_config_descriptor); the host puts them back into wire
/// bytes for its matcher. Every board's configuration, split the way libusb parses (LibUsbSplit), comes back byte
/// for byte: CDC's IAD and functional descriptors included.
/// </summary>
public class ConfigurationBytesTests
{
    public static IEnumerable<object[]> Cases() => BoardDescriptorCases.AsTheoryData();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_board_configuration_comes_back_byte_for_byte_from_libusbs_parsed_form(string board, HssUsbProfile profile, UsbSpeed speed)
    {
        byte[] configuration = BoardDescriptorCases.Bundle(board, profile, speed).Configuration;

        Assert.Equal(configuration, ConfigurationBytes.Write(LibUsbSplit(configuration)));
    }

    [Fact]
    public void Total_length_is_what_was_written_not_what_the_header_said()
    {
        var endpoint = DescriptorNode.Leaf(new byte[] { 7, 5, 0x81, 2, 64, 0, 0 }, Array.Empty<byte>());
        var alt = new DescriptorNode(new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0 }, new byte[] { 3, 0x24, 1 }, new[] { endpoint });
        var config = new DescriptorNode(new byte[] { 9, 2, 0xFF, 0xFF, 1, 1, 0, 0x80, 50 }, Array.Empty<byte>(), new[] { alt });

        byte[] bytes = ConfigurationBytes.Write(config);

        Assert.Equal(9 + 9 + 3 + 7, bytes.Length);
        Assert.Equal(bytes.Length, bytes[2] | (bytes[3] << 8));
        Assert.Equal(new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0, 3, 0x24, 1, 7, 5, 0x81, 2, 64, 0, 0 }, bytes[9..]);
    }

    [Fact]
    public void A_header_of_the_wrong_length_and_a_configuration_over_64_KiB_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ConfigurationBytes.Write(DescriptorNode.Leaf(new byte[] { 9, 2, 0, 0 }, Array.Empty<byte>())));
        var huge = DescriptorNode.Leaf(new byte[] { 9, 2, 0, 0, 0, 1, 0, 0x80, 50 }, new byte[ushort.MaxValue]);
        Assert.Throws<ArgumentException>(() => ConfigurationBytes.Write(huge));
    }

    /// <summary>
    /// libusb's parse of a configuration (descriptor.c): what precedes the first interface is the configuration's
    /// extra; what follows an interface (or endpoint) descriptor up to the next endpoint or interface is its extra;
    /// alternate settings are grouped by interface number, in the order the numbers first appear.
    /// </summary>
    private static DescriptorNode LibUsbSplit(byte[] configuration)
    {
        var configExtra = new List<byte>();
        var byInterface = new List<(byte Number, List<(byte[] Header, List<byte> Extra, List<(byte[] Header, List<byte> Extra)> Endpoints)> Alts)>();
        List<byte> current = configExtra;
        int offset = configuration[0];
        while (offset < configuration.Length)
        {
            int length = configuration[offset];
            Assert.True(length >= 2 && offset + length <= configuration.Length, $"descriptor at {offset} is malformed");
            byte[] descriptor = configuration[offset..(offset + length)];
            if (descriptor[1] == 4)
            {
                var alt = (descriptor, new List<byte>(), new List<(byte[], List<byte>)>());
                int group = byInterface.FindIndex(g => g.Number == descriptor[2]);
                if (group < 0)
                {
                    byInterface.Add((descriptor[2], new() { alt }));
                }
                else
                {
                    byInterface[group].Alts.Add(alt);
                }

                current = alt.Item2;
            }
            else if (descriptor[1] == 5)
            {
                var endpoint = (descriptor, new List<byte>());
                byInterface.SelectMany(g => g.Alts).Last().Endpoints.Add(endpoint);
                current = endpoint.Item2;
            }
            else
            {
                current.AddRange(descriptor);
            }

            offset += length;
        }

        var alternates = byInterface.SelectMany(g => g.Alts).Select(a => new DescriptorNode(a.Header, a.Extra.ToArray(),
            a.Endpoints.Select(e => DescriptorNode.Leaf(e.Header, e.Extra.ToArray())).ToList())).ToList();
        return new DescriptorNode(configuration[..9], configExtra.ToArray(), alternates);
    }
}
