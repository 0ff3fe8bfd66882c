using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pps.Core.Publishing;

/// <summary>
/// Writes a figure's rows as the serializer would, cell by cell, without asking it for each cell's type: Table C has a
/// row per service (~70 cells each), and that lookup was most of its cost. A cell of a
/// type not handled here is left to the serializer. Reading is the serializer's.
/// </summary>
internal sealed class FigureRowsJson : JsonConverter<IReadOnlyList<IReadOnlyList<object?>>>
{
    public override IReadOnlyList<IReadOnlyList<object?>>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<List<List<object?>>>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<object?>> rows, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            writer.WriteStartArray();
            foreach (var cell in row)
            {
                switch (cell)
                {
                    case null: writer.WriteNullValue(); break;
                    case string text: writer.WriteStringValue(text); break;
                    case int number: writer.WriteNumberValue(number); break;
                    case decimal number: writer.WriteNumberValue(number); break;
                    case bool flag: writer.WriteBooleanValue(flag); break;
                    default: JsonSerializer.Serialize(writer, cell, cell.GetType(), options); break;
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
