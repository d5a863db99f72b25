using System;
using HssDevice.Engine;
using HssDevice.Sockets;
using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>Starting HSS once (HssNetwork) and sockets made without passing an engine.</summary>
    [TestClass]
    public class HssNetworkTests
    {
        [TestMethod]
        public void A_socket_made_before_HssNetwork_starts_throws_InvalidOperationException()
        {
            HssNetwork.Stop();
            Assert.IsNull(HssNetwork.Engine);
            Assert.ThrowsException(typeof(InvalidOperationException), () => new HssSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        }

        [TestMethod]
        public void A_socket_made_without_an_engine_opens_on_the_started_one()
        {
            HssNetwork.Stop();
            var link = new FakeLink(true);
            var host = new FakeHost(link);
            HssEngine engine = HssNetwork.Start(link, Rig.SmallSettings());
            try
            {
                Assert.AreSame(engine, HssNetwork.Engine);
                Assert.IsTrue(engine.IsRunning);
                HssSocket socket = null;
                Background open = Background.Start(() => socket = new HssSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                SeenPacket request = host.Expect(HssOpcode.Open);
                host.Ack(request, HssError.Success);
                open.Join();
                Assert.AreEqual(request.Handle, socket.Handle);
                Assert.AreEqual(1, engine.SocketsInUse);
                // HSS never tells the device its local address.
                Assert.IsNull(socket.LocalEndPoint);
                socket.Close();
            }
            finally
            {
                host.StopResponder();
                HssNetwork.Stop();
            }

            Assert.IsNull(HssNetwork.Engine);
            Assert.IsFalse(engine.IsRunning);
        }

        [TestMethod]
        public void Starting_twice_throws_until_stopped()
        {
            HssNetwork.Stop();
            var first = new FakeLink(true);
            HssEngine engine = HssNetwork.Start(first, Rig.SmallSettings());
            try
            {
                Assert.ThrowsException(typeof(InvalidOperationException), () => HssNetwork.Start(new FakeLink(true), Rig.SmallSettings()));
                Assert.AreSame(engine, HssNetwork.Engine);
            }
            finally
            {
                HssNetwork.Stop();
            }

            HssEngine second = HssNetwork.Start(new FakeLink(true), Rig.SmallSettings());
            Assert.IsFalse(object.ReferenceEquals(engine, second));
            HssNetwork.Stop();
        }
    }
}
