using System;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Test payloads and the expected-failure helper shared by the engine tests.</summary>
    public static class TestData
    {
        /// <summary>length bytes that differ by position and seed, so misplaced or stale bytes show.</summary>
        public static byte[] Pattern(int length, int seed)
        {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = (byte)((i * 7) + seed);
            }

            return data;
        }

        /// <summary>Runs action, which must throw HssSocketException with the given error; returns it.</summary>
        public static HssSocketException ExpectSocketError(SocketError expected, Action action)
        {
            try
            {
                action();
            }
            catch (HssSocketException e)
            {
                Assert.AreEqual((int)expected, e.ErrorCode, e.Message);
                return e;
            }

            Assert.IsTrue(false, "expected HssSocketException " + ((int)expected).ToString());
            return null;
        }
    }
}
