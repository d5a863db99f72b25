using System.Threading;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Waits for a state the engine's threads reach asynchronously, never for a fixed time.</summary>
    public static class Wait
    {
        /// <summary>Polls condition for up to 3 s and fails the test if it never holds.</summary>
        public static void Until(Condition condition)
        {
            for (int i = 0; i < 300; i++)
            {
                if (condition())
                {
                    return;
                }

                Thread.Sleep(10);
            }

            Assert.IsTrue(condition(), "condition not reached in 3 s");
        }
    }
}
