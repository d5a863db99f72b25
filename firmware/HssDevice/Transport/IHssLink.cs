namespace HssDevice.Transport
{
    /// <summary>
    /// What the engine needs of USB (docs/protocol.md section 3): a command pipe carrying one packet per transfer and a
    /// data pipe carrying transfers of packets, or, in the single-pipe profile, one pipe for both.
    /// Reads block until bytes come; a read that returns 0 means the link went down (the engine then fails every
    /// socket) and later reads wait for it to come back. Writes block until the bytes are handed to the link.
    /// </summary>
    public interface IHssLink
    {
        /// <summary>False in the single-pipe profile: commands then travel on the data pipe, whole.</summary>
        bool HasCommandPipe { get; }

        /// <summary>Writes one command packet as one transfer.</summary>
        void WriteCommand(byte[] buffer, int offset, int count);

        /// <summary>Reads one command transfer (one packet) into buffer; 0 when the link went down.</summary>
        int ReadCommand(byte[] buffer, int offset, int count);

        /// <summary>Writes one data transfer (one or more whole packets).</summary>
        void WriteData(byte[] buffer, int offset, int count);

        /// <summary>Reads the next bytes of the data pipe, any amount up to count; 0 when the link went down.</summary>
        int ReadData(byte[] buffer, int offset, int count);

        /// <summary>Ends the link: blocked reads return or throw, later calls throw.</summary>
        void Close();
    }
}
