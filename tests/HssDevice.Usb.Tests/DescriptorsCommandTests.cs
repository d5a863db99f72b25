using HssDevice.Tool;
using Xunit;

namespace HssDevice.Usb.Tests;

/// <summary>`hss descriptors`, run in-process with captured output.</summary>
public class DescriptorsCommandTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = Program.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Decodes_the_board_at_its_own_speed_and_profile_by_default()
    {
        var run = Run("descriptors", "--board", "stm32f769i-discovery", "--boards-dir", RepositoryPaths.Boards);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.StartsWith("Board stm32f769i-discovery, vendor profile, running at high speed\n", run.Output);
        Assert.Contains("        wMaxPacketSize     0x0200  1x 512 bytes\n", run.Output);
        Assert.Contains("Device Qualifier (for other device speed):", run.Output);
    }

    [Fact]
    public void Speed_and_profile_options_choose_the_descriptors()
    {
        var run = Run("descriptors", "--board", "stm32f769i-discovery", "--speed", "full", "--profile", "cdc", "--boards-dir", RepositoryPaths.Boards);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Board stm32f769i-discovery, cdc profile, running at full speed\n", run.Output);
        Assert.Contains("    Interface Association:\n", run.Output);
        Assert.Contains("HSS interface: cdc profile, interface(s) 0, 1; bulk IN 0x81 OUT 0x01 (64 bytes)", run.Output);
    }

    [Fact]
    public void Hex_prints_the_pinned_bytes()
    {
        var run = Run("descriptors", "--board", "esp32-s3", "--hex", "--boards-dir", RepositoryPaths.Boards);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("configuration (46 bytes):\n  09 02 2e 00 01 01 00 80 32 09 04 00 00 04 ff ab\n", run.Output);
        Assert.Contains("device qualifier: none (stalled)\n", run.Output);
    }

    [Fact]
    public void Finds_boards_without_boards_dir_from_the_repository_or_beside_the_tool()
    {
        var run = Run("descriptors", "--board", "esp32-s3");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ID 1209:0001 HssDevice HSS ESP32-S3\n", run.Output);
    }

    [Fact]
    public void High_speed_on_a_full_speed_board_is_bad_input()
    {
        var run = Run("descriptors", "--board", "esp32-s3", "--speed", "high", "--boards-dir", RepositoryPaths.Boards);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal("error: board esp32-s3 is full-speed only; it cannot run at high speed", run.Error.TrimEnd());
    }

    [Fact]
    public void Unknown_board_lists_the_boards()
    {
        var run = Run("descriptors", "--board", "nrf52", "--boards-dir", RepositoryPaths.Boards);
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("boards: esp32-s3, slstk3701a, stm32f769i-discovery", run.Error);
    }

    [Fact]
    public void Bad_board_file_is_bad_input_with_the_field_named()
    {
        var dir = Directory.CreateTempSubdirectory("hss-boards-");
        try
        {
            var json = File.ReadAllText(Path.Combine(RepositoryPaths.Boards, "esp32-s3.json")).Replace("\"maxSockets\": 4", "\"maxSockets\": 0");
            File.WriteAllText(Path.Combine(dir.FullName, "esp32-s3.json"), json);
            var run = Run("descriptors", "--board", "esp32-s3", "--boards-dir", dir.FullName);
            Assert.Equal(ExitCodes.BadInput, run.ExitCode);
            Assert.Contains("max sockets", run.Error);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData("descriptors")]
    [InlineData("descriptors", "--board", "esp32-s3", "--speed", "super")]
    [InlineData("descriptors", "--board", "esp32-s3", "--profile", "hid")]
    public void Usage_errors_exit_1(params string[] args)
    {
        Assert.Equal(ExitCodes.Usage, Run(args).ExitCode);
    }
}
