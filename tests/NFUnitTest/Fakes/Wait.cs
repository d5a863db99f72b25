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
    
        /// <summary>
        /// Polls condition for up to milliseconds; returns whether it held. For a state one version of the code
        /// reaches and another never does (a window a fix closed): the test goes on either way.
        /// </summary>
        public static bool AtMost(int milliseconds, Condition condition)
        {
            for (int waited = 0; waited < milliseconds; waited += 10)
            {
                if (condition())
                {
                    return true;
                }

                Thread.Sleep(10);
            }

            return condition();
        }
    }
}
