using System;
using System.Threading;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Runs a blocking call on its own thread so the test can play the host meanwhile.</summary>
    public sealed class Background
    {
        private readonly ThreadStart _work;
        private readonly Thread _thread;
        private Exception _error;
        private bool _finished;

        private Background(ThreadStart work)
        {
            _work = work;
            _thread = new Thread(Run);
            _thread.Start();
        }

        public static Background Start(ThreadStart work)
        {
            return new Background(work);
        }

        public bool Finished
        {
            get { return _finished; }
        }

        /// <summary>Waits for the call and rethrows what it threw (wrapped, so the type can be checked).</summary>
        public void Join()
        {
            Assert.IsTrue(_thread.Join(5000), "background call did not finish");
            if (_error != null)
            {
                throw new BackgroundException(_error);
            }
        }

        /// <summary>Waits for the call, which must throw an HssSocketException; returns it.</summary>
        public HssSocketException JoinFailure()
        {
            Assert.IsTrue(_thread.Join(5000), "background call did not finish");
            Assert.IsNotNull(_error, "expected the call to fail");
            Assert.IsInstanceOfType(_error, typeof(HssSocketException), _error.Message);
            return (HssSocketException)_error;
        }

        private void Run()
        {
            try
            {
                _work();
            }
            catch (Exception e)
            {
                _error = e;
            }

            _finished = true;
        }
    }

    public sealed class BackgroundException : Exception
    {
        public BackgroundException(Exception inner)
            : base("background call failed: " + inner.Message, inner)
        {
        }
    }
}
