using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace HssDevice.Tool.Decoding;

/// <summary>The JSON form of `hss decode`: camelCase keys, fields an opcode lacks left out.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<PacketDescription>))]
public sealed partial class PacketJson : JsonSerializerContext
{
}
