using System.Globalization;
using System.Text;

namespace Portal.Api.Common;

/// <summary>RFC 4180 CSV, with cells that a spreadsheet would run as a formula defused.</summary>
public sealed class CsvWriter(Stream stream) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };

    public async Task WriteRowAsync(IEnumerable<object?> cells, CancellationToken cancellationToken)
    {
        var line = string.Join(',', cells.Select(Cell));
        await _writer.WriteLineAsync(line.AsMemory(), cancellationToken);
    }

    public static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal) && value is string)
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync();
        await _writer.DisposeAsync();
    }
}
