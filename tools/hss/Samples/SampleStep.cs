using System;
using HssDevice.Engine;
using HssDevice.Sample;

namespace HssDevice.Tool.Samples;

/// <summary>One step of the sample device application (firmware/HssDevice.Sample) against one target.</summary>
/// <param name="Id">Short name used in errors and tests, e.g. tcp-echo-v6.</param>
/// <param name="Title">What the step does, for the progress display and the summary.</param>
/// <param name="Total">Units the step reports progress in (bytes, datagrams); 0 when unknown in advance.</param>
public sealed record SampleStep(string Id, string Title, int Total, Func<HssEngine, ISampleProgress, SampleResult> Run);

/// <summary>What one step found; <see cref="Skipped"/> steps did not run and do not fail the run.</summary>
public sealed record StepOutcome(SampleStep Step, bool Ok, bool Skipped, string Detail, TimeSpan Elapsed);
