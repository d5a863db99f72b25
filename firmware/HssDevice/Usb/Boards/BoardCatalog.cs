using System;

namespace HssDevice.Usb.Boards
{
    /// <summary>Every board the firmware knows, by the name of its file in boards/. Add a line here per new board.</summary>
    public static class BoardCatalog
    {
        public static string[] Names
        {
            get { return new string[] { Esp32S3Board.Name, Stm32F769IDiscoveryBoard.Name, Slstk3701aBoard.Name }; }
        }

        /// <summary>A fresh copy of the named board's settings; ArgumentException for an unknown name.</summary>
        public static BoardSettings Create(string name)
        {
            // An if chain, not a string switch: with many cases the compiler hashes strings in generated code.
            if (name == Esp32S3Board.Name)
            {
                return Esp32S3Board.Create();
            }

            if (name == Stm32F769IDiscoveryBoard.Name)
            {
                return Stm32F769IDiscoveryBoard.Create();
            }

            if (name == Slstk3701aBoard.Name)
            {
                return Slstk3701aBoard.Create();
            }

            throw new ArgumentException("unknown board: " + name);
        }
    }
}
