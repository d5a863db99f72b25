using HssDevice.Tools.NfProjSync;

// nfprojsync [check|fix] [--root DIR]
//   check: lists every way the nanoFramework projects drift from their net10.0 twins and nf.props; exit 1 if any.
//   fix:   rewrites .nfproj Compile lists and package versions, then checks again.
string mode = "check";
string? root = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "check" or "fix":
            mode = args[i];
            break;
        case "--root" when i + 1 < args.Length:
            root = args[++i];
            break;
        default:
            Console.Error.WriteLine("usage: nfprojsync [check|fix] [--root DIR]");
            return 2;
    }
}

root ??= FindRoot(Directory.GetCurrentDirectory());
if (root == null)
{
    Console.Error.WriteLine("no nf.props in this folder or above it; give --root");
    return 2;
}

var checker = new Checker(root);
if (mode == "fix")
{
    foreach (string file in new Fixer(checker).FixAll())
    {
        Console.WriteLine("updated " + file);
    }
}

var problems = checker.CheckAll();
foreach (Problem p in problems)
{
    Console.WriteLine(p);
}

Console.WriteLine(problems.Count == 0 ? "nanoFramework projects are in step with their twins and nf.props." : $"{problems.Count} problem(s).");
return problems.Count == 0 ? 0 : 1;

static string? FindRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "nf.props")))
        {
            return dir.FullName;
        }
    }

    return null;
}
