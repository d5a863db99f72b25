using System.Runtime.CompilerServices;

// Device tests check the engine's internal tables (message IDs, rings) directly.
[assembly: InternalsVisibleTo("NFUnitTest")]
