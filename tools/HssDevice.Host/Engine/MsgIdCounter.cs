using System;

namespace HssDevice.Host;

/// <summary>docs/protocol.md section 9: a u16 per sender and link, from 1, wrapping from 0xFFFF to 1, never reusing an ID
/// whose answer is still outstanding. Not thread-safe: the caller holds its lock.</summary>
internal sealed class MsgIdCounter
{
    private ushort _last;

    public ushort Next(Func<ushort, bool> outstanding)
    {
        for (int tries = 0; tries < ushort.MaxValue; tries++)
        {
            _last = _last == ushort.MaxValue ? (ushort)1 : (ushort)(_last + 1);
            if (!outstanding(_last))
            {
                return _last;
            }
        }

        throw new InvalidOperationException("all 65535 message IDs are outstanding");
    }
}
