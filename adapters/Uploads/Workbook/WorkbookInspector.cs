using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Pps.Core.Uploads.Workbook;

/// <summary>
/// Limits on what an uploaded file may be before anything parses it as a workbook. A filled-in return is
/// about 40 KiB on disk and under 1 MiB expanded; every limit is far above that and far below what would
/// let one file use more than ~100 MiB of memory or 2 s.
/// </summary>
public static class WorkbookLimits
{
    /// <summary>The largest upload accepted, enforced while it streams in.</summary>
    public const long MaxUploadBytes = 10 * 1024 * 1024;
    public const int MaxEntries = 100;
    public const int MaxSheets = 30;
    /// <summary>Expanded size of any one part (a sheet, the shared strings).</summary>
    public const long MaxPartBytes = 4 * 1024 * 1024;
    /// <summary>Expanded size of all parts together.</summary>
    public const long MaxExpandedBytes = 24 * 1024 * 1024;
    /// <summary>Expanded to compressed size above which a part larger than 1 MiB is a zip bomb (XML compresses about 10 to 1).</summary>
    public const int MaxRatio = 100;
    public static readonly TimeSpan MaxReadTime = TimeSpan.FromSeconds(2);
}

/// <summary>Why a file was refused before it was read, in words a PPS officer understands.</summary>
public sealed record FileProblem(string Code, string Message);

/// <summary>
/// Looks at what an uploaded file is before it is parsed: its first bytes (empty, an old .xls or an
/// encrypted workbook, a PDF, not a zip at all), then the zip's directory (entries, declared sizes and
/// ratios, macros, external links, sheet count), then every part decompressed through a counter that stops
/// at the limits whatever the directory claims, with each XML part read once with DTDs prohibited (no
/// entity expansion, no external entities). Only a file that passes is opened with the Open XML SDK.
/// </summary>
public static class WorkbookInspector
{
    private static readonly byte[] ZipSignature = "PK\u0003\u0004"u8.ToArray();
    private static readonly byte[] CompoundFileSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private const string MacroContentType = "application/vnd.ms-excel.sheet.macroEnabled";

    public static FileProblem? Inspect(ReadOnlyMemory<byte> file)
    {
        var started = Stopwatch.StartNew();
        var bytes = file.Span;
        if (bytes.Length == 0)
        {
            return new FileProblem("empty", "The file is empty (0 bytes). Upload the workbook you filled in, saved as an Excel workbook (.xlsx).");
        }
        if (bytes.StartsWith(CompoundFileSignature))
        {
            return Contains(bytes, Encoding.Unicode.GetBytes("EncryptedPackage"))
                ? new FileProblem("encrypted", "The workbook is protected with a password (encrypted), so it cannot be read. In Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save, and upload it again.")
                : new FileProblem("old-format", "This is an old-style Excel file (.xls) or another older Office document, not the .xlsx return template. Download the template, fill it in and upload it as an Excel workbook (.xlsx).");
        }
        if (!bytes.StartsWith(ZipSignature))
        {
            var what = bytes.StartsWith("%PDF"u8) ? "a PDF document" : LooksLikeText(bytes) ? "a text file (perhaps CSV or a web page)" : "not an Excel workbook";
            return new FileProblem("not-a-workbook", $"This file is {what}: it is not an Excel workbook (.xlsx). Download the return template, fill it in and upload it.");
        }

        ZipArchive zip;
        try
        {
            zip = new ZipArchive(AsStream(file), ZipArchiveMode.Read);
        }
        catch (InvalidDataException)
        {
            return Damaged();
        }
        using (zip)
        {
            return InspectZip(zip, started);
        }
    }

    private static FileProblem? InspectZip(ZipArchive zip, Stopwatch started)
    {
        var entries = zip.Entries;
        if (entries.Count > WorkbookLimits.MaxEntries)
        {
            return new FileProblem("too-many-parts", $"The file holds {entries.Count} parts; a return workbook holds about 20. It is not a workbook made from the template, and was not read.");
        }
        var names = entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!names.Contains("[Content_Types].xml") || !names.Contains("xl/workbook.xml"))
        {
            return names.Any(n => n.StartsWith("word/", StringComparison.OrdinalIgnoreCase) || n.StartsWith("ppt/", StringComparison.OrdinalIgnoreCase))
                ? new FileProblem("not-a-workbook", "This is a Word or PowerPoint file, not an Excel workbook. Download the return template, fill it in and upload it.")
                : new FileProblem("not-a-workbook", "This is a zip file, but not an Excel workbook (.xlsx). Download the return template, fill it in and upload it.");
        }
        if (names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
        {
            return Macros();
        }
        if (names.Any(n => n.StartsWith("xl/externalLinks/", StringComparison.OrdinalIgnoreCase)))
        {
            return ExternalLinks();
        }
        var sheets = names.Count(n => n.StartsWith("xl/worksheets/", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
            || n.StartsWith("xl/chartsheets/", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".xml", StringComparison.OrdinalIgnoreCase));
        if (sheets > WorkbookLimits.MaxSheets)
        {
            return new FileProblem("too-many-sheets", $"The workbook has {sheets} sheets; the return template has 12. Upload the template you downloaded, without added sheets.");
        }

        // Declared sizes first (cheap), then the real ones while decompressing (the directory can lie).
        long declared = 0;
        foreach (var entry in entries)
        {
            declared += entry.Length;
            var ratio = entry.Length / Math.Max(1, entry.CompressedLength);
            if (entry.Length > 1024 * 1024 && ratio > WorkbookLimits.MaxRatio)
            {
                return Bomb(entry.FullName, entry.Length, entry.CompressedLength);
            }
            if (entry.Length > WorkbookLimits.MaxPartBytes || declared > WorkbookLimits.MaxExpandedBytes)
            {
                return TooLargePart(entry.FullName, entry.Length);
            }
        }

        long expanded = 0;
        foreach (var entry in entries)
        {
            if (started.Elapsed > WorkbookLimits.MaxReadTime) return TooSlow();
            var isXml = entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);
            LimitedReadStream? counted = null;
            try
            {
                using var raw = entry.Open();
                counted = new LimitedReadStream(raw, Math.Min(WorkbookLimits.MaxPartBytes, WorkbookLimits.MaxExpandedBytes - expanded));
                var problem = isXml ? ScanXml(entry.FullName, counted) : Drain(counted);
                if (problem is not null) return problem;
                expanded += counted.Count;
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                return counted?.Exceeded == true ? Bomb(entry.FullName, null, entry.CompressedLength) : Damaged();
            }
            finally
            {
                counted?.Dispose();
            }
        }
        return null;
    }

    /// <summary>Reads one XML part to its end, DTDs prohibited: well-formed, no macros declared, no external targets.</summary>
    private static FileProblem? ScanXml(string name, Stream part)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true,
            MaxCharactersInDocument = WorkbookLimits.MaxPartBytes, CloseInput = false,
        };
        var isContentTypes = name.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase);
        var isRelationships = name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);
        try
        {
            using var reader = XmlReader.Create(part, settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (isContentTypes && reader.GetAttribute("ContentType") is { } type && type.StartsWith(MacroContentType, StringComparison.OrdinalIgnoreCase))
                {
                    return Macros();
                }
                if (isRelationships && reader.LocalName == "Relationship"
                    && string.Equals(reader.GetAttribute("TargetMode"), "External", StringComparison.OrdinalIgnoreCase))
                {
                    return ExternalLinks();
                }
            }
            return null;
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            return new FileProblem("dtd", $"Part {name} of the file declares a document type (DTD), which Excel never writes and which is used to attack systems that read files. The file was not read.");
        }
        catch (XmlException)
        {
            return Damaged();
        }
    }

    private static FileProblem? Drain(Stream part)
    {
        var buffer = new byte[16 * 1024];
        while (part.Read(buffer, 0, buffer.Length) > 0) { }
        return null;
    }

    private static FileProblem Damaged() =>
        new("damaged", "The file is damaged or incomplete (it may have been cut off while saving or uploading), so it cannot be read as a workbook. Open it in Excel to check it, save it again as .xlsx, and upload it.");

    private static FileProblem Macros() =>
        new("macros", "The workbook contains macros (a macro-enabled .xlsm file). Macros are never accepted: save it as \"Excel Workbook (.xlsx)\" and upload that.");

    private static FileProblem ExternalLinks() =>
        new("external-links", "The workbook links to other files or web addresses. A return workbook must stand alone: remove the links (Data > Edit Links > Break Link), save, and upload it again.");

    private static FileProblem TooSlow() =>
        new("too-slow", "The file could not be read in the time allowed (2 seconds); a return workbook takes a fraction of that. It was not read.");

    private static FileProblem Bomb(string part, long? expanded, long compressed)
    {
        var size = expanded is { } e ? $"{e / 1024.0 / 1024.0:0.#} MiB" : $"more than {WorkbookLimits.MaxPartBytes / 1024 / 1024} MiB";
        return new FileProblem("zip-bomb",
            $"The file expands far beyond its size on disk (part {part} is {size} when unpacked, from {compressed / 1024.0:0.#} KiB). A filled-in return is well under 1 MiB unpacked; a file like this is built to exhaust the system (a \"zip bomb\") and was not read.");
    }

    /// <summary>A read-only stream over the bytes, without copying them when they are an array already.</summary>
    internal static MemoryStream AsStream(ReadOnlyMemory<byte> file) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(file, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(file.ToArray(), writable: false);

    private static FileProblem TooLargePart(string part, long expanded)
    {
        var what = part.EndsWith("sharedStrings.xml", StringComparison.OrdinalIgnoreCase) ? "its table of texts" : $"part {part}";
        return new FileProblem("part-too-large",
            $"The workbook is far larger inside than a return can be ({what} is {expanded / 1024.0 / 1024.0:0.#} MiB unpacked; a filled-in return is well under 1 MiB in all). Upload the template you downloaded, filled in, without pasted data or added sheets.");
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;

    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, 512)];
        foreach (var b in head)
        {
            if (b < 0x09 || b is > 0x0D and < 0x20) return false;
        }
        return true;
    }
}
