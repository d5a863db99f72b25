using System.Text.RegularExpressions;
using HssDevice.Host.Usb.Boards;
using HssDevice.Host.Usb.LibUsb;
using Xunit;

namespace HssDevice.Usb.Tests.LibUsb;

/// <summary>`--device VID:PID` parsing and the advice texts of `hss host --usb`, with the udev rule they name.</summary>
public class UsbHostAdviceTests
{
    [Theory]
    [InlineData("1209:0001", 0x1209, 0x0001)]
    [InlineData("2FE0:abcd", 0x2FE0, 0xABCD)]
    [InlineData("0x1209:0x1", 0x1209, 0x0001)]
    [InlineData(" 1209 : 0001 ", 0x1209, 0x0001)]
    public void Vid_pid_parses_as_lsusb_prints_it(string text, int vid, int pid)
    {
        var filter = UsbDeviceFilter.Parse(text);
        Assert.Equal((ushort)vid, filter.VendorId);
        Assert.Equal((ushort)pid, filter.ProductId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1209")]
    [InlineData("1209:")]
    [InlineData("1209:0001:2")]
    [InlineData("12345:0001")]
    [InlineData("zz:0001")]
    [InlineData("-1:0001")]
    public void Anything_else_is_refused_with_the_expected_form(string text)
    {
        var e = Assert.Throws<FormatException>(() => UsbDeviceFilter.Parse(text));
        Assert.Contains("VID:PID", e.Message);
    }

    [Fact]
    public void No_permission_names_the_node_the_device_and_the_rule_that_fixes_it()
    {
        string message = UsbHostAdvice.NoPermission("/dev/bus/usb/001/005", 0x1209, 0x0001);

        Assert.Contains("/dev/bus/usb/001/005", message);
        Assert.Contains("1209:0001", message);
        // The rule beside the tool (an installed tool has no repository), else the repository's.
        Assert.EndsWith("linux-usb/60-hss.rules", UsbHostAdvice.UdevRuleToCopy());
        Assert.Contains("sudo cp " + UsbHostAdvice.UdevRuleToCopy() + " ", message);
        Assert.Contains("udevadm control --reload-rules", message);
        Assert.Contains(UsbHostAdvice.UdevRuleLine(0x1209, 0x0001), message);
    }

    [Fact]
    public void Libusb_missing_names_the_package()
    {
        string message = new LibUsbMissingException(new DllNotFoundException("libusb-1.0.so.0: cannot open")).Message;
        Assert.Contains("libusb-1.0-0", message);
        Assert.Contains("apt-get install", message);
        Assert.Contains("cannot open", message);
    }

    [Fact]
    public void The_shipped_udev_rule_covers_every_board_and_the_reference_vendor()
    {
        string rules = File.ReadAllText(Path.Combine(Path.GetDirectoryName(RepositoryPaths.Boards)!, UsbHostAdvice.UdevRulePath));
        foreach (string name in BoardDirectory.Names(RepositoryPaths.Boards))
        {
            var board = BoardDirectory.Load(RepositoryPaths.Boards, name).ToDeviceSettings();
            Assert.Contains(UsbHostAdvice.UdevRuleLine(board.VendorId, board.ProductId), rules);
        }

        Assert.Matches(new Regex("^SUBSYSTEM==\"usb\", ATTR\\{idVendor\\}==\"2fe0\", MODE=\"0660\"", RegexOptions.Multiline), rules);
    }
}
