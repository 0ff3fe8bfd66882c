using Pps.Core.Catalogue;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Pps.Core.Definition;
using Pps.Core.Uploads.Workbook;
using Pps.Synthetic;
using static Pps.Core.Definition.FieldIds;

namespace Pps.Tests.Uploads;

/// <summary>
/// Every kind of file that is not a clean workbook of the template gets a report that says what is wrong in
/// plain words, and changes nothing. Each file is built here from the real template (or from nothing).
/// </summary>
public class WorkbookBadFileTests
{
    private const int Service = 42;
    private static readonly ReturnDefinition Definition = BuiltInDefinitions.For(2013);
    private static readonly WorkbookLayout Layout = WorkbookLayout.For(Definition);

    private static byte[] Template(int serviceId = Service, int year = 2013, int version = 1)
    {
        using var stream = new MemoryStream();
        WorkbookTemplate.Write(stream, Definition, new WorkbookOrigin(serviceId, year, version, 0, DateTimeOffset.UnixEpoch), "Test", null, null);
        return stream.ToArray();
    }

    private static (string Sheet, string Cell, object? Value) Cell(string fieldId, object value)
    {
        var cell = Layout.CellsOf(fieldId)[0];
        return (cell.Sheet, cell.Reference, value);
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        { "text", "not-a-workbook", "not an Excel workbook" },
        { "pdf", "not-a-workbook", "PDF" },
        { "empty", "empty", "The file is empty" },
        { "truncated", "damaged", "damaged or incomplete" },
        { "corrupted", "damaged", "damaged or incomplete" },
        { "word", "not-a-workbook", "Word or PowerPoint" },
        { "macro-project", "macros", "contains macros" },
        { "macro-content-type", "macros", "contains macros" },
        { "encrypted", "encrypted", "protected with a password" },
        { "old-xls", "old-format", "old-style Excel file" },
        { "made-elsewhere", "not-template", "not made from the PPS return template" },
        { "other-year", "wrong-year", "made for the 2012 return" },
        { "other-service", "wrong-service", "made for service 43" },
        { "old-definition", "old-template", "version 0" },
        { "formula", "formula", "holds a formula" },
        { "text-for-number", "text-not-number", "\"about 120k\" is text, not a number" },
        { "zip-bomb", "zip-bomb", "zip bomb" },
        { "xxe", "dtd", "document type" },
        { "external-link-part", "external-links", "links to other files" },
        { "external-relationship", "external-links", "links to other files" },
        { "huge-shared-strings", "part-too-large", "its table of texts" },
        { "many-sheets", "too-many-sheets", "sheets" },
        { "sheet-renamed", "sheet-missing", "is missing" },
    };

    private static byte[] Build(string kind) => kind switch
    {
        "text" => Encoding.UTF8.GetBytes("service_id,1a,1b\n42,B,G\n"),
        "pdf" => Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n"),
        "empty" => [],
        "truncated" => Template()[..(Template().Length / 2)],
        "corrupted" => Corrupt(Template()),
        "word" => WorkbookEdits.Rezip(Template(), zip =>
        {
            zip.GetEntry("xl/workbook.xml")!.Delete();
            zip.Put("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>");
        }),
        "macro-project" => WorkbookEdits.Rezip(Template(), zip => zip.Put("xl/vbaProject.bin", "not really VBA")),
        "macro-content-type" => WorkbookEdits.Rezip(Template(), zip => zip.Put("[Content_Types].xml",
            zip.Read("[Content_Types].xml").Replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml", StringComparison.Ordinal))),
        "encrypted" => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504], .. Encoding.Unicode.GetBytes("EncryptionInfo"), .. Encoding.Unicode.GetBytes("EncryptedPackage"), .. new byte[1024]],
        "old-xls" => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504], .. Encoding.Unicode.GetBytes("Workbook"), .. new byte[1024]],
        "made-elsewhere" => ForeignWorkbook(),
        "other-year" => Template(year: 2012),
        "other-service" => Template(serviceId: 43),
        "old-definition" => Template(version: 0),
        "formula" => WorkbookFiller.SetCells(Template(), Cell(CoreBudget, "=1000*120")),
        "text-for-number" => WorkbookFiller.SetCells(Template(), Cell(CoreBudget, "about 120k")),
        "zip-bomb" => WorkbookEdits.Rezip(Template(), zip =>
        {
            using var part = zip.CreateEntry("xl/media/image1.png", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++) part.Write(zeros);
        }),
        "xxe" => WorkbookEdits.Rezip(Template(), zip =>
        {
            var name = WorkbookEdits.SheetPart(Template(), Layout.Sheets[2].Name);
            var xml = zip.Read(name);
            var body = xml[(xml.IndexOf("?>", StringComparison.Ordinal) + 2)..];
            zip.Put(name, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + body.Replace("<x:sheetData>", "<x:sheetData>&e;", StringComparison.Ordinal));
        }),
        "external-link-part" => WorkbookEdits.Rezip(Template(), zip => zip.Put("xl/externalLinks/externalLink1.xml",
            "<externalLink xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>")),
        "external-relationship" => WorkbookEdits.Rezip(Template(), zip => zip.Put("xl/_rels/workbook.xml.rels",
            zip.Read("xl/_rels/workbook.xml.rels").Replace("</Relationships>",
                "<Relationship Id=\"rX\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"http://attacker.example/x\" TargetMode=\"External\"/></Relationships>", StringComparison.Ordinal))),
        "huge-shared-strings" => WorkbookEdits.Rezip(Template(), zip =>
        {
            var random = new Random(7);
            var text = new StringBuilder("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
            while (text.Length < 6 * 1024 * 1024) text.Append("<si><t>").Append(random.NextInt64().ToString("x16")).Append("</t></si>");
            zip.Put("xl/sharedStrings.xml", text.Append("</sst>").ToString());
        }),
        "many-sheets" => WorkbookEdits.Rezip(Template(), zip =>
        {
            for (var i = 100; i < 140; i++) zip.Put($"xl/worksheets/sheet{i}.xml", "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData/></worksheet>");
        }),
        "sheet-renamed" => WorkbookEdits.Rezip(Template(), zip => zip.Put("xl/workbook.xml",
            zip.Read("xl/workbook.xml").Replace($"name=\"{Layout.Sheets[3].Name}\"", "name=\"My budget\"", StringComparison.Ordinal))),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_file_gets_a_report_in_plain_words_and_changes_nothing(string kind, string code, string says)
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(Service);
        var report = await app.UploadAndCheckAsync(token, Service, Build(kind));

        Assert.Equal("rejected", report.GetProperty("status").GetString());
        var problems = report.GetProperty("problems").EnumerateArray().ToList();
        var problem = Assert.Single(problems, p => p.GetProperty("code").GetString() == code);
        Assert.Contains(says, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("nothing was changed", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
        if (kind is "formula" or "text-for-number")
        {
            var at = Layout.CellsOf(CoreBudget)[0];
            Assert.Equal(at.Sheet, problem.GetProperty("sheet").GetString());
            Assert.Equal(at.Reference, problem.GetProperty("cell").GetString());
            Assert.Equal(CoreBudget, problem.GetProperty("field").GetString());
        }
        Assert.Null(await app.Store.GetAsync(2013, Service));
        Assert.Empty(await app.Store.HistoryAsync(2013, Service));
    }

    [Fact]
    public async Task A_file_over_10_MiB_is_refused_while_it_streams_in_and_nothing_is_stored()
    {
        var app = await UploadHarness.StartAsync();
        var token = await app.TokenForAsync(Service);
        // No Content-Length (chunked): the limit is enforced on the bytes as they arrive.
        var streamed = await app.UploadAsync(token, Service, new EndlessStream(), contentLength: null);
        Assert.Equal(413, streamed.Status);
        // A declared length over the limit is refused before reading.
        var declared = await app.UploadAsync(token, Service, new EndlessStream(), contentLength: 50L * 1024 * 1024);
        Assert.Equal(413, declared.Status);
        Assert.Equal(0, await app.BlobCountAsync(app.Storage.Uploads));
        Assert.Equal(0, await app.BlobCountAsync(app.Storage.Reports));
    }

    [Fact]
    public void A_zip_whose_directory_understates_a_part_is_never_inflated_past_what_it_declares()
    {
        // Declared sizes say 1 KiB; the data inflates to 64 MiB. Reading stops at the declared size (the zip
        // reader bounds each part by it), so the declared-size limits checked first are the real bound.
        var lying = UnderstateSizes(WorkbookEdits.Rezip(Template(), zip =>
        {
            using var part = zip.CreateEntry("xl/media/image1.png", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++) part.Write(zeros);
        }), "xl/media/image1.png", 1024);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var problem = WorkbookInspector.Inspect(lying);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(problem is null || problem.Code == "damaged", problem?.Message);
        Assert.True(allocated < 16 * 1024 * 1024, $"{allocated / 1024 / 1024} MiB allocated");
    }

    [Fact]
    public void The_clean_template_passes_the_inspector_and_reads_back_its_origin()
    {
        var read = WorkbookReader.Read(Template(), 2013, Service, Definition, ServiceCatalogue.BuiltIn);
        Assert.Null(read.Refused);
        Assert.Equal(new WorkbookOrigin(Service, 2013, 1, 0, DateTimeOffset.UnixEpoch), read.Answers!.Origin);
        Assert.Empty(read.Answers.Problems);
        Assert.All(read.Answers.Raw.Values, Assert.Null);
    }

    [Fact]
    public void The_template_is_valid_Office_Open_XML_by_the_SDKs_schema_validator()
    {
        using var stream = new MemoryStream();
        var values = Pps.Core.Validation.ReturnValidator.Validate(Definition, Pps.Synthetic.ExampleReturn.Full(2013).ToDictionary(
            kv => kv.Key, kv => (string?)(kv.Value is string[] many ? string.Join(';', many) : kv.Value is bool b ? (b ? "yes" : "no")
                : Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture)))).Values;
        WorkbookTemplate.Write(stream, Definition, new WorkbookOrigin(Service, 2013, 1, 3, DateTimeOffset.UnixEpoch), "Test", values, values);
        using var document = SpreadsheetDocument.Open(new MemoryStream(stream.ToArray()), false);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator(FileFormatVersions.Office2010).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));
    }

    private static byte[] Corrupt(byte[] file)
    {
        var copy = file.ToArray();
        // Overwrite compressed data in the middle of the file (past the first local header).
        for (var i = copy.Length / 3; i < copy.Length / 3 + 400; i++) copy[i] = 0xFF;
        return copy;
    }

    private static byte[] ForeignWorkbook()
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(new SheetData(new Row(new Cell { CellReference = "A1", CellValue = new CellValue(120000) }) { RowIndex = 1 }));
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Name = "Budget", SheetId = 1, Id = workbook.GetIdOfPart(sheet) }));
        }
        return stream.ToArray();
    }

    /// <summary>Rewrites the uncompressed size of one entry in its local header and the central directory.</summary>
    private static byte[] UnderstateSizes(byte[] zip, string entryName, uint size)
    {
        var copy = zip.ToArray();
        var name = Encoding.ASCII.GetBytes(entryName);
        for (var i = 0; i + 46 < copy.Length; i++)
        {
            if (copy[i] == 'P' && copy[i + 1] == 'K' && copy[i + 2] == 1 && copy[i + 3] == 2 && copy.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(copy.AsSpan(i + 24, 4), size); // central directory: uncompressed size
                var local = (int)BitConverter.ToUInt32(copy, i + 42);
                BitConverter.TryWriteBytes(copy.AsSpan(local + 22, 4), size); // local header: uncompressed size
            }
        }
        return copy;
    }

    /// <summary>A request body that never ends, as a hostile client might send.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)'A', offset, count);
            return count;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
