namespace HssDevice.Sample
{
    /// <summary>What one step of the sample application found.</summary>
    public sealed class SampleResult
    {
        public SampleResult(string step, bool ok, string detail)
        {
            Step = step;
            Ok = ok;
            Detail = detail;
        }

        public string Step { get; private set; }

        public bool Ok { get; private set; }

        public string Detail { get; private set; }

        public override string ToString()
        {
            return (Ok ? "ok   " : "FAIL ") + Step + ": " + Detail;
        }
    }
}
