using System;

namespace HssDevice.Usb.Boards
{
    /// <summary>Every board the firmware knows, by the name of its file in boards/. Add a line here per new board.</summary>
    public static class BoardCatalog
    {
        public static string[] Names
        {
            get { return new string[] { Esp32S3Board.Name, Stm32F769IDiscoveryBoard.Name }; }
        }

        /// <summary>A fresh copy of the named board's settings; ArgumentException for an unknown name.</summary>
        public static BoardSettings Create(string name)
        {
            switch (name)
            {
                case Esp32S3Board.Name:
                    return Esp32S3Board.Create();
                case Stm32F769IDiscoveryBoard.Name:
                    return Stm32F769IDiscoveryBoard.Create();
                default:
                    throw new ArgumentException("unknown board: " + name);
            }
        }
    }
}
