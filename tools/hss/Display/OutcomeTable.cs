using System.Collections.Generic;
using System.IO;
using HssDevice.Tool.Samples;
using Spectre.Console;

namespace HssDevice.Tool.Display;

/// <summary>The summary of a run of the sample application: one row per step.</summary>
public static class OutcomeTable
{
    public static void Write(TextWriter output, IReadOnlyList<StepOutcome> outcomes)
    {
        var table = new Table().Border(ToolConsole.TableBorderFor(output));
        table.AddColumn("step");
        table.AddColumn("result");
        table.AddColumn(new TableColumn("time").RightAligned());
        table.AddColumn("detail");
        foreach (StepOutcome outcome in outcomes)
        {
            string result = outcome.Skipped ? "skipped" : outcome.Ok ? "ok" : "FAILED";
            table.AddRow(
                new Text(outcome.Step.Title),
                new Text(result, new Style(outcome.Skipped ? Color.Yellow : outcome.Ok ? Color.Green : Color.Red)),
                new Text(outcome.Skipped ? "" : $"{outcome.Elapsed.TotalSeconds:0.00} s"),
                new Text(outcome.Detail));
        }

        ToolConsole.Write(output, table);
        output.Flush();
    }
}
