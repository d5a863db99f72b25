using HssDevice.Wire;
using nanoFramework.TestFramework;

namespace HssDevice.Tests.Device
{
    /// <summary>The rules both ends share (HssRules): answer matching, TRANSMIT ACKs, message IDs, bad packets.</summary>
    [TestClass]
    public class RuleBookTests
    {
        [TestMethod]
        public void IsAnswerTo_needs_msg_id_orig_opcode_and_sock_id_to_agree()
        {
            Assert.IsTrue(HssRules.IsAnswerTo(7, HssOpcode.Connect, 5u, 7, HssOpcode.Connect, 5u));
            Assert.IsFalse(HssRules.IsAnswerTo(8, HssOpcode.Connect, 5u, 7, HssOpcode.Connect, 5u));
            Assert.IsFalse(HssRules.IsAnswerTo(7, HssOpcode.Close, 5u, 7, HssOpcode.Connect, 5u));
            Assert.IsFalse(HssRules.IsAnswerTo(7, HssOpcode.Connect, 6u, 7, HssOpcode.Connect, 5u));
        }

        [TestMethod]
        public void TransmitAckOutcome_full_count_or_no_value_is_success()
        {
            Assert.AreEqual(HssError.Success, HssRules.TransmitAckOutcome(HssError.Success, true, 100, 100));
            Assert.AreEqual(HssError.Success, HssRules.TransmitAckOutcome(HssError.Success, true, 0, 0));
            Assert.AreEqual(HssError.Success, HssRules.TransmitAckOutcome(HssError.Success, false, 0, 100));
        }

        [TestMethod]
        public void TransmitAckOutcome_short_count_is_lost_data()
        {
            Assert.AreEqual(HssError.HostError, HssRules.TransmitAckOutcome(HssError.Success, true, 99, 100));
            Assert.AreEqual(HssError.HostError, HssRules.TransmitAckOutcome(HssError.Success, true, 0, 1));
        }

        [TestMethod]
        public void TransmitAckOutcome_code_or_negative_value_is_a_refusal()
        {
            Assert.AreEqual(HssError.NotConnected, HssRules.TransmitAckOutcome(HssError.NotConnected, true, 0, 10));
            Assert.AreEqual(HssError.NoSocket, HssRules.TransmitAckOutcome(HssError.Success, true, -HssError.NoSocket, 10));
            Assert.AreEqual(HssError.NoSocket, HssRules.TransmitAckOutcome(HssError.NoSocket, true, -HssError.NoSocket, 10));
        }

        [TestMethod]
        public void TransmitAckOutcome_values_that_are_no_code_never_overflow()
        {
            Assert.AreEqual(HssError.HostError, HssRules.TransmitAckOutcome(HssError.Success, true, int.MinValue, 10));
            Assert.AreEqual(HssError.HostError, HssRules.TransmitAckOutcome(HssError.Success, true, -256, 10));
            Assert.AreEqual(255, HssRules.TransmitAckOutcome(HssError.Success, true, -255, 10));
        }

        [TestMethod]
        public void TransmitAckValue_is_the_count_or_minus_the_code()
        {
            Assert.AreEqual(42, HssRules.TransmitAckValue(HssError.Success, 42));
            Assert.AreEqual(-HssError.NotConnected, HssRules.TransmitAckValue(HssError.NotConnected, 42));
            Assert.AreEqual(HssError.NotConnected, HssRules.TransmitAckOutcome(HssError.NotConnected, true, HssRules.TransmitAckValue(HssError.NotConnected, 42), 42));
        }

        [TestMethod]
        public void NextMsgId_starts_at_1_and_wraps_from_ffff_to_1_never_0()
        {
            Assert.AreEqual(1, (int)HssRules.NextMsgId(0));
            Assert.AreEqual(2, (int)HssRules.NextMsgId(1));
            Assert.AreEqual(0xFFFF, (int)HssRules.NextMsgId(0xFFFE));
            Assert.AreEqual(1, (int)HssRules.NextMsgId(0xFFFF));
            Assert.AreEqual(1, (int)HssRules.NextMsgId(-5));
        }

        [TestMethod]
        public void Bad_packets_are_answered_only_when_a_request_header_was_read()
        {
            Assert.IsTrue(HssRules.AnswersBadPacket(HssOpcode.Transmit, HssLayout.HeaderSize));
            Assert.IsTrue(HssRules.AnswersBadPacket(HssOpcode.Shutdown, 40));
            Assert.IsFalse(HssRules.AnswersBadPacket(HssOpcode.Ack, 40), "answers are never answered");
            Assert.IsFalse(HssRules.AnswersBadPacket(HssOpcode.Transmit, HssLayout.HeaderSize - 1));
            Assert.AreEqual((int)HssError.InvalidArgument, HssRules.BadPacketCode);
            Assert.IsTrue(HssRules.AnswerCarriesValue(HssOpcode.Transmit));
            Assert.IsFalse(HssRules.AnswerCarriesValue(HssOpcode.Close));
        }
    }
}
