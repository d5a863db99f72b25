using HssDevice.Host.Usb;
using HssDevice.Usb;
using HssDevice.Usb.Boards;

namespace HssDevice.Usb.Tests;

/// <summary>Every board, in both profiles, at every speed it can run at.</summary>
internal static class BoardDescriptorCases
{
    public static IEnumerable<(string Board, HssUsbProfile Profile, UsbSpeed Speed)> All()
    {
        foreach (var name in BoardCatalog.Names)
        {
            var board = BoardCatalog.Create(name);
            if (board.Link != BoardLink.Native)
            {
                continue;
            }

            foreach (var profile in new[] { HssUsbProfile.Vendor, HssUsbProfile.Cdc })
            {
                yield return (name, profile, UsbSpeed.Full);
                if (board.Speed == UsbSpeed.High)
                {
                    yield return (name, profile, UsbSpeed.High);
                }
            }
        }
    }

    public static IEnumerable<object[]> AsTheoryData() => All().Select(c => new object[] { c.Board, c.Profile, c.Speed });

    public static DescriptorBundle Bundle(string board, HssUsbProfile profile, UsbSpeed speed) =>
        DescriptorBundle.Build(BoardCatalog.Create(board), profile, speed);

    /// <summary>Every descriptor blob of every case, labelled by kind, for the corruption tests.</summary>
    public static IEnumerable<(string Kind, byte[] Bytes)> Blobs()
    {
        foreach (var (board, profile, speed) in All())
        {
            var b = Bundle(board, profile, speed);
            yield return ("device", b.Device);
            yield return ("configuration", b.Configuration);
            if (b.DeviceQualifier != null)
            {
                yield return ("qualifier", b.DeviceQualifier);
            }

            if (b.OtherSpeedConfiguration != null)
            {
                yield return ("configuration", b.OtherSpeedConfiguration);
            }

            yield return ("bos", b.Bos);
            yield return ("msos", b.MsOs20Set);
            foreach (var (index, s) in b.Strings)
            {
                yield return (index == 0 ? "languages" : "string", s);
            }
        }
    }
}
