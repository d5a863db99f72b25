using HssDevice.Host.Usb.Parsing;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>Hand-made bad descriptors, each rejected with the problem it has.</summary>
public class ParserRejectsTests
{
    // The vendor profile at full speed (UsbDescriptorVectors in the device tests), parsed by hand below.
    private const string VendorConfiguration =
        "09 02 2e 00 01 01 00 80 32 " +
        "09 04 00 00 04 ff ab 00 04 " +
        "07 05 81 02 40 00 00 " +
        "07 05 01 02 40 00 00 " +
        "07 05 82 03 40 00 01 " +
        "07 05 02 03 40 00 01";

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static DescriptorProblem Problem(Action parse) => Assert.Throws<DescriptorFormatException>(parse).Problem;

    [Fact]
    public void Vendor_configuration_is_found()
    {
        var hss = HssInterfaceFinder.Find(Bytes(VendorConfiguration));
        Assert.Equal(HssProfile.Vendor, hss.Profile);
        Assert.Equal(0x81, hss.BulkIn.Address);
        Assert.Equal(0x01, hss.BulkOut.Address);
        Assert.Equal(0x82, hss.InterruptIn.Address);
        Assert.Equal(0x02, hss.InterruptOut.Address);
    }

    [Theory]
    [InlineData("09 02 2e 00", "09 02 2f 00", DescriptorProblem.Truncated)] // wTotalLength beyond the data
    [InlineData("09 02 2e 00", "09 02 2d 00", DescriptorProblem.TotalMismatch)] // data beyond wTotalLength
    [InlineData("09 04 00 00 04", "00 04 00 00 04", DescriptorProblem.ZeroLength)] // interface bLength 0
    [InlineData("09 04 00 00 04", "08 04 00 00 04", DescriptorProblem.BadLength)] // interface bLength 8
    [InlineData("07 05 81 02 40 00 00 07 05 01", "06 05 81 02 40 00 00 07 05 01", DescriptorProblem.BadLength)] // endpoint bLength 6
    [InlineData("07 05 02 03 40 00 01", "08 05 02 03 40 00 01", DescriptorProblem.Overrun)] // last endpoint runs past the total
    [InlineData("09 04 00 00 04", "09 04 00 00 03", DescriptorProblem.CountMismatch)] // bNumEndpoints 3, 4 follow
    [InlineData("09 02 2e 00 01", "09 02 2e 00 02", DescriptorProblem.CountMismatch)] // bNumInterfaces 2, 1 follows
    [InlineData("09 02 2e 00", "09 01 2e 00", DescriptorProblem.WrongType)] // not a configuration
    [InlineData("09 04 00 00 04", "09 02 00 00 04", DescriptorProblem.WrongType)] // a configuration inside one
    [InlineData("00 80 32", "00 00 32", DescriptorProblem.BadValue)] // bmAttributes bit 7 clear
    [InlineData("07 05 01 02", "07 05 81 02", DescriptorProblem.DuplicateEndpoint)] // two endpoints 0x81
    [InlineData("07 05 01 02", "07 05 00 02", DescriptorProblem.BadValue)] // endpoint 0
    [InlineData("07 05 01 02 40 00", "07 05 01 02 00 00", DescriptorProblem.BadValue)] // wMaxPacketSize 0
    [InlineData("07 05 01 02", "07 05 03 02", DescriptorProblem.NotHss)] // special-cased below: still HSS
    [InlineData("07 05 02 03", "07 05 82 02", DescriptorProblem.DuplicateEndpoint)]
    [InlineData("07 05 02 03", "07 05 83 03", DescriptorProblem.NotHss)] // two interrupt IN, no interrupt OUT
    [InlineData("09 04 00 00 04 ff ab", "09 04 00 00 04 ff ac", DescriptorProblem.NotHss)] // subclass 0xAC
    public void Configuration_with_one_fault(string expected, string replacement, DescriptorProblem problem)
    {
        var hex = VendorConfiguration.Replace(expected, replacement, StringComparison.Ordinal);
        if (problem == DescriptorProblem.NotHss && replacement == "07 05 03 02")
        {
            // Renumbering the bulk OUT endpoint keeps HSS intact: the finder goes by type and direction.
            Assert.Equal(0x03, HssInterfaceFinder.Find(Bytes(hex)).BulkOut.Address);
            return;
        }

        Assert.NotEqual(VendorConfiguration, hex);
        Assert.Equal(problem, Problem(() => HssInterfaceFinder.Find(Bytes(hex))));
    }

    [Fact]
    public void Endpoint_before_any_interface_is_orphan()
    {
        var hex = "09 02 19 00 01 01 00 80 32 07 05 81 02 40 00 00 09 04 00 00 00 ff ab 00 00";
        Assert.Equal(DescriptorProblem.OrphanEndpoint, Problem(() => UsbDescriptorParser.ParseConfiguration(Bytes(hex))));
    }

    [Fact]
    public void Association_naming_a_missing_interface_is_rejected()
    {
        var hex = "09 02 1a 00 01 01 00 80 32 08 0b 00 02 02 ab 00 00 09 04 00 00 00 02 ab 00 00";
        Assert.Equal(DescriptorProblem.BadValue, Problem(() => UsbDescriptorParser.ParseConfiguration(Bytes(hex))));
    }

    [Fact]
    public void Cdc_acm_serial_port_is_not_hss()
    {
        // A CDC-ACM function: notification interrupt IN only, so not the HSS command pair.
        var hex = "09 02 4b 00 02 01 00 80 32 " +
            "08 0b 00 02 02 02 01 00 " +
            "09 04 00 00 01 02 02 01 00 05 24 00 20 01 05 24 01 00 01 04 24 02 02 05 24 06 00 01 07 05 83 03 08 00 10 " +
            "09 04 01 00 02 0a 00 00 00 07 05 81 02 40 00 00 07 05 01 02 40 00 00";
        var error = Assert.Throws<DescriptorFormatException>(() => HssInterfaceFinder.Find(Bytes(hex)));
        Assert.Equal(DescriptorProblem.NotHss, error.Problem);
        Assert.Contains("Interrupt", error.Message);
    }

    [Theory]
    [InlineData("12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00 01", null)]
    [InlineData("12 01 10 02 00 00 00 41 09 12 01 00 00 01 01 02 00 01", DescriptorProblem.BadValue)] // ep0 65
    [InlineData("12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00 00", DescriptorProblem.BadValue)] // no configuration
    [InlineData("11 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00 01", DescriptorProblem.BadLength)]
    [InlineData("12 02 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00 01", DescriptorProblem.WrongType)]
    [InlineData("12 01 10 02 00 00 00 40 09 12 01 00 00 01 01 02 00", DescriptorProblem.Truncated)]
    public void Device_descriptor(string hex, DescriptorProblem? problem)
    {
        if (problem == null)
        {
            Assert.Equal(0x1209, UsbDescriptorParser.ParseDevice(Bytes(hex)).VendorId);
        }
        else
        {
            Assert.Equal(problem, Problem(() => UsbDescriptorParser.ParseDevice(Bytes(hex))));
        }
    }

    private const string Bos = "05 0f 21 00 01 1c 10 05 00 df 60 dd d8 89 45 c7 4c 9c d2 65 9d 9e 64 8a 9f 00 00 03 06 a2 00 01 00";

    [Theory]
    [InlineData("05 0f 21 00 01", "05 0f 21 00 02", DescriptorProblem.CountMismatch)]
    [InlineData("05 0f 21 00 01 1c", "05 0f 21 00 01 00", DescriptorProblem.ZeroLength)]
    [InlineData("05 0f 21 00 01 1c", "05 0f 21 00 01 1b", DescriptorProblem.BadLength)] // MS OS 2.0 capability must be 28
    [InlineData("05 0f 21 00 01 1c 10", "05 0f 21 00 01 1c 04", DescriptorProblem.WrongType)]
    [InlineData("05 0f 21 00", "05 0f 22 00", DescriptorProblem.Truncated)]
    public void Bos_with_one_fault(string expected, string replacement, DescriptorProblem problem)
    {
        Assert.NotNull(UsbDescriptorParser.ParseBos(Bytes(Bos)).Capabilities[0].MsOs20);
        Assert.Equal(problem, Problem(() => UsbDescriptorParser.ParseBos(Bytes(Bos.Replace(expected, replacement, StringComparison.Ordinal)))));
    }

    [Fact]
    public void Ms_os_registry_property_lengths_must_add_up()
    {
        // Header (10) + registry property whose name and data lengths disagree with wLength.
        var name = "44 00 00 00"; // "D\0"
        var set = "0a 00 00 00 00 00 03 06 18 00 " + "0e 00 04 00 07 00 04 00 " + name + "04 00";
        Assert.Equal(DescriptorProblem.BadLength, Problem(() => UsbDescriptorParser.ParseMsOs20Set(Bytes(set))));
        var fixedSet = "0a 00 00 00 00 00 03 06 1c 00 " + "12 00 04 00 07 00 04 00 " + name + "04 00 00 00 00 00";
        Assert.Empty(UsbDescriptorParser.ParseMsOs20Set(Bytes(fixedSet)).DeviceInterfaceGuids);
        var badSum = "0a 00 00 00 00 00 03 06 1c 00 " + "12 00 04 00 07 00 04 00 " + name + "02 00 00 00 00 00";
        Assert.Equal(DescriptorProblem.BadLength, Problem(() => UsbDescriptorParser.ParseMsOs20Set(Bytes(badSum))));
    }

    [Fact]
    public void Ms_os_function_subset_outside_a_configuration_subset_is_rejected()
    {
        var set = "0a 00 00 00 00 00 03 06 12 00 08 00 02 00 00 00 08 00";
        Assert.Equal(DescriptorProblem.WrongType, Problem(() => UsbDescriptorParser.ParseMsOs20Set(Bytes(set))));
    }

    [Theory]
    [InlineData("04 03 09 04", null)]
    [InlineData("05 03 09 04 00", DescriptorProblem.BadLength)]
    [InlineData("06 03 09 04", DescriptorProblem.Truncated)]
    [InlineData("02 03", DescriptorProblem.BadLength)]
    [InlineData("04 02 09 04", DescriptorProblem.WrongType)]
    public void Language_ids(string hex, DescriptorProblem? problem)
    {
        if (problem == null)
        {
            Assert.Equal(new ushort[] { 0x0409 }, UsbDescriptorParser.ParseLanguageIds(Bytes(hex)));
        }
        else
        {
            Assert.Equal(problem, Problem(() => UsbDescriptorParser.ParseLanguageIds(Bytes(hex))));
        }
    }

    [Fact]
    public void Unpaired_surrogate_in_a_string_is_rejected()
    {
        Assert.Equal(DescriptorProblem.BadValue, Problem(() => UsbDescriptorParser.ParseString(Bytes("04 03 00 d8"))));
        Assert.Equal("A", UsbDescriptorParser.ParseString(Bytes("04 03 41 00")));
    }
}
