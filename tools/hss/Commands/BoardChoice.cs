using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using HssDevice.Host.Usb.Boards;

namespace HssDevice.Tool.Commands;

/// <summary>
/// --board NAME and --boards-dir DIR checked when the command line is parsed, so that a name that is not a board is
/// a usage error like any other bad value. A board file that exists but is wrong stays bad input (exit 2), found
/// when it is loaded.
/// </summary>
internal static class BoardChoice
{
    public static void AddValidator(Command command, Option<string> board, Option<string?> boardsDir)
    {
        command.Validators.Add(result =>
        {
            bool dirGiven = result.GetResult(boardsDir) is { Implicit: false };
            bool boardGiven = result.GetResult(board) is { Implicit: false };
            if ((!dirGiven && !boardGiven)
                || !CommandValues.TryGet(result, boardsDir, null, out string? dir) || !CommandValues.TryGet(result, board, "", out string name))
            {
                return;
            }

            string directory;
            try
            {
                directory = BoardDirectory.Locate(dir);
            }
            catch (BoardFileException e)
            {
                // Without --boards-dir a missing boards/ is the installation's problem, reported when the board loads.
                if (dirGiven)
                {
                    result.AddError("--boards-dir: " + e.Message);
                }

                return;
            }

            if (boardGiven && !BoardDirectory.Names(directory).Contains(name))
            {
                result.AddError($"--board: '{CommandValues.Shown(name)}' is not a board in {directory} (boards: {string.Join(", ", BoardDirectory.Names(directory))})");
            }
        });
    }
}
