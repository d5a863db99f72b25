namespace HssDevice.Engine
{
    /// <summary>
    /// What an answer from the host leaves to do once the engine's lock is released (bits, combined): decided under
    /// the answer's one lock by <see cref="TransmitAnswers"/>, carried out by its CarryOut. An enum, not an object:
    /// nothing is allocated per answer.
    /// </summary>
    internal enum AnswerFollowUp
    {
        /// <summary>Nothing more.</summary>
        None = 0,

        /// <summary>The acknowledged socket's window opened and unsent bytes may go now.</summary>
        FlushSocket = 1,

        /// <summary>The acknowledged socket is Closing and drained: its CLOSE goes now.</summary>
        SendClose = 2,

        /// <summary>A request slot was freed after a flush starved for one: every socket flushes.</summary>
        FlushEverySocket = 4,
    }
}
