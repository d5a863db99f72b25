using System;
using HssDevice.Wire;

namespace HssDevice.Host;

/// <summary>docs/protocol.md section 9: a u16 per sender and link, stepped by <see cref="HssRules.NextMsgId"/> (the
/// rule the device uses too), never reusing an ID whose answer is still outstanding. Not thread-safe: the caller
/// holds its lock.</summary>
internal sealed class MsgIdCounter
{
    private ushort _last;

    public ushort Next(Func<ushort, bool> outstanding)
    {
        for (int tries = 0; tries < ushort.MaxValue; tries++)
        {
            _last = HssRules.NextMsgId(_last);
            if (!outstanding(_last))
            {
                return _last;
            }
        }

        throw new InvalidOperationException("all 65535 message IDs are outstanding");
    }
}
