using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using HssDevice.Engine;
using HssDevice.Sample;
using HssDevice.Tool.Samples;
using Spectre.Console;

namespace HssDevice.Tool.Display;

/// <summary>
/// Runs the steps of the sample application one after another on a thread of their own (device code blocks) and
/// shows their progress: a live progress display on a terminal, one line per step otherwise.
/// </summary>
public static class StepDisplay
{
    /// <summary>
    /// Beyond the engine's close linger, how long the device waits after its last step for the host to answer the
    /// CLOSEs still in flight.
    /// </summary>
    private const int CloseAnswerMs = 5000;

    public static async Task<IReadOnlyList<StepOutcome>> RunAsync(IReadOnlyList<SampleStep> steps, HssEngine engine, TextWriter output, IReadOnlyDictionary<SampleStep, string>? skip = null)
    {
        skip ??= new Dictionary<SampleStep, string>();
        IReadOnlyList<StepOutcome> outcomes = await (ToolConsole.IsTerminal(output)
            ? RunWithProgressAsync(steps, engine, ToolConsole.For(output), skip)
            : RunPlainAsync(steps, engine, output, skip)).ConfigureAwait(false);
        // The last step's Close sends its CLOSE in the background, or only after the close linger when the socket's
        // last TRANSMIT was still unacknowledged (a datagram socket whose echo overtook that ACK): the caller unplugs
        // the device once this returns, so every socket must have been closed on the host by then.
        int waitMs = engine.Settings.CloseLingerMs + CloseAnswerMs;
        if (!await OnDeviceThread(() => SampleApp.WaitForSocketsClosed(engine, waitMs)).ConfigureAwait(false))
        {
            output.WriteLine($"warning: {engine.SocketsInUse} sockets still open {waitMs / 1000} s after the last step (their CLOSE unanswered)");
        }

        return outcomes;
    }

    private static Task<IReadOnlyList<StepOutcome>> RunPlainAsync(IReadOnlyList<SampleStep> steps, HssEngine engine, TextWriter output, IReadOnlyDictionary<SampleStep, string> skip) =>
        OnDeviceThread(() =>
        {
            var outcomes = new List<StepOutcome>();
            for (int i = 0; i < steps.Count; i++)
            {
                SampleStep step = steps[i];
                string prefix = $"[{i + 1}/{steps.Count}] {step.Id}";
                if (skip.TryGetValue(step, out string? why))
                {
                    outcomes.Add(SampleSteps.Skip(step, why));
                    output.WriteLine($"{prefix}: skipped ({why})");
                    continue;
                }

                output.WriteLine($"{prefix}: {step.Title} ...");
                output.Flush();
                StepOutcome outcome = SampleSteps.Run(step, engine, new SilentProgress());
                outcomes.Add(outcome);
                output.WriteLine($"{prefix}: {(outcome.Ok ? "ok" : "FAILED")}, {outcome.Detail} ({outcome.Elapsed.TotalSeconds:0.00} s)");
                output.Flush();
            }

            return (IReadOnlyList<StepOutcome>)outcomes;
        });

    private static async Task<IReadOnlyList<StepOutcome>> RunWithProgressAsync(IReadOnlyList<SampleStep> steps, HssEngine engine, IAnsiConsole console, IReadOnlyDictionary<SampleStep, string> skip)
    {
        IReadOnlyList<StepOutcome> outcomes = Array.Empty<StepOutcome>();
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new List<ProgressTask>();
                foreach (SampleStep step in steps)
                {
                    ProgressTask task = context.AddTask(Markup.Escape(step.Title), autoStart: false, maxValue: Math.Max(1, step.Total));
                    tasks.Add(task);
                }

                outcomes = await OnDeviceThread(() =>
                {
                    var results = new List<StepOutcome>();
                    for (int i = 0; i < steps.Count; i++)
                    {
                        ProgressTask task = tasks[i];
                        if (skip.TryGetValue(steps[i], out string? why))
                        {
                            results.Add(SampleSteps.Skip(steps[i], why));
                            task.Description = Markup.Escape(steps[i].Title + ": skipped");
                            task.StopTask();
                            continue;
                        }

                        task.StartTask();
                        task.IsIndeterminate = steps[i].Total == 0;
                        StepOutcome outcome = SampleSteps.Run(steps[i], engine, new TaskProgress(task));
                        results.Add(outcome);
                        task.IsIndeterminate = false;
                        task.Description = (outcome.Ok ? "[green]ok[/] " : "[red]FAILED[/] ") + Markup.Escape(steps[i].Title);
                        if (outcome.Ok)
                        {
                            task.Value = task.MaxValue;
                        }

                        task.StopTask();
                    }

                    return (IReadOnlyList<StepOutcome>)results;
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return outcomes;
    }

    private static Task<T> OnDeviceThread<T>(Func<T> run) =>
        Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private sealed class SilentProgress : ISampleProgress
    {
        public void Report(string step, int done, int total)
        {
        }

        public void Log(string message)
        {
        }
    }

    private sealed class TaskProgress(ProgressTask task) : ISampleProgress
    {
        public void Report(string step, int done, int total)
        {
            if (total > 0)
            {
                task.Value = done;
            }
        }

        public void Log(string message)
        {
        }
    }
}
