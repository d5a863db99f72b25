using System.Collections.Generic;
using System.Linq;

namespace HssDevice.Compat.Tests.Facades;

/// <summary>What the facades carry beyond the .api.txt declarations, each for a stated reason. The listings
/// show declarations, not attributes, so the few attributes that change what compiles are added here.</summary>
public static class FacadeSupplements
{
    /// <summary>Attributes that decide whether device code compiles and that the declaration listing cannot
    /// show. nanoFramework.TestFramework declares DataRowAttribute with AllowMultiple = true (tests put
    /// several [DataRow] on one method); without it every second [DataRow] would be error CS0579.</summary>
    private static readonly Dictionary<string, string[]> AttributesByType = new()
    {
        ["nanoFramework.TestFramework.DataRowAttribute"] = new[]
        {
            "[global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]",
        },
    };

    /// <summary>Keys of the types given attributes here, for the report.</summary>
    public static IEnumerable<string> TypesWithAttributes => AttributesByType.Keys;

    public static IEnumerable<string> TypeAttributes(ApiType type) =>
        AttributesByType.TryGetValue(type.Key, out var attributes) ? attributes : Enumerable.Empty<string>();

    /// <summary>An indexer's metadata name (<c>String.Chars</c>, not <c>Item</c>) is not in the declaration
    /// line but is in the documentation-ID listing (<c>P:System.String.Chars(System.Int32)</c>). It matters:
    /// the compiler lowers a large <c>switch</c> on strings through <c>String.get_Chars</c>.</summary>
    public static string IndexerAttribute(ApiType owner, ApiMember indexer, ApiListing listing)
    {
        if (!listing.DocumentationIds.TryGetValue(owner.Assembly, out var ids))
        {
            return "";
        }

        string prefix = "P:" + DocumentationIds.TypeName(owner.Key) + ".";
        string suffix = "(" + string.Join(",", indexer.Parameters.Select(p => DocumentationIds.ParameterType(p))) + ")";
        string? name = ids
            .Where(id => id.StartsWith(prefix) && id.EndsWith(suffix))
            .Select(id => id.Substring(prefix.Length, id.Length - prefix.Length - suffix.Length))
            .FirstOrDefault(n => !n.Contains('.'));
        return name != null && name != "Item"
            ? $"[global::System.Runtime.CompilerServices.IndexerName(\"{name}\")] "
            : "";
    }
}
