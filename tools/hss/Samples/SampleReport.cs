using System.Collections.Generic;
using System.IO;
using HssDevice.Tool.Display;

namespace HssDevice.Tool.Samples;

/// <summary>Ends a run of the sample application: the summary table, each failed step named on stderr, the exit code.</summary>
public static class SampleReport
{
    public static int Finish(IReadOnlyList<StepOutcome> outcomes, TextWriter output, TextWriter error)
    {
        output.WriteLine();
        OutcomeTable.Write(output, outcomes);
        int failed = 0;
        int passed = 0;
        foreach (StepOutcome outcome in outcomes)
        {
            if (outcome.Skipped)
            {
                continue;
            }

            if (outcome.Ok)
            {
                passed++;
            }
            else
            {
                failed++;
                error.WriteLine($"error: step {outcome.Step.Id} failed: {outcome.Detail}");
            }
        }

        output.WriteLine();
        output.WriteLine(failed == 0 && passed > 0
            ? $"all {passed} steps matched"
            : $"{failed} of {passed + failed} steps failed");
        return failed == 0 && passed > 0 ? ExitCodes.Success : ExitCodes.StepFailed;
    }
}
