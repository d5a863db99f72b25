namespace HssDevice.Sample
{
    /// <summary>Where the sample application reports progress: a board's debug output, or the host tool's display.</summary>
    public interface ISampleProgress
    {
        /// <summary>done of total bytes of the step named.</summary>
        void Report(string step, int done, int total);

        void Log(string message);
    }
}
