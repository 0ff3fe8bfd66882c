using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Pps.Core.Uploads;

/// <summary>
/// One upload's place in storage, chosen by the server: the workbook at <c>{year}/{service:000}/{uploadId}.xlsx</c>
/// in the uploads container and its report at <c>{year}/{service:000}/{uploadId}.json</c> in the reports
/// container. The upload id is a random GUID (32 hex digits); a client never names a blob.
/// </summary>
public sealed partial record UploadName(int Year, int ServiceId, string UploadId)
{
    public static UploadName New(int year, int serviceId) => new(year, serviceId, Guid.NewGuid().ToString("N"));

    public string Folder => $"{Year.ToString("0000", CultureInfo.InvariantCulture)}/{ServiceId.ToString("000", CultureInfo.InvariantCulture)}";
    public string BlobName => $"{Folder}/{UploadId}.xlsx";
    public string ReportName => $"{Folder}/{UploadId}.json";

    public static bool IsUploadId(string? id) => id is not null && UploadIdPattern().IsMatch(id);

    /// <summary>The upload a blob name stands for, or null for a name the server did not choose.</summary>
    public static UploadName? TryParse(string blobName)
    {
        var match = BlobNamePattern().Match(blobName);
        return match.Success
            ? new UploadName(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Value)
            : null;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex UploadIdPattern();

    [GeneratedRegex("^([0-9]{4})/([0-9]{3})/([0-9a-f]{32})\\.xlsx$")]
    private static partial Regex BlobNamePattern();
}

public enum UploadStatus
{
    /// <summary>Stored; the check has not started.</summary>
    Queued,
    /// <summary>The check is running (or was interrupted and will be run again).</summary>
    Processing,
    /// <summary>The workbook was clean and the return was changed.</summary>
    Accepted,
    /// <summary>Something is wrong with the file or its answers; nothing was changed.</summary>
    Rejected,
    /// <summary>The check failed again and again; nothing was changed.</summary>
    Failed,
}

/// <summary>One problem of an upload: where (sheet and cell, when it is about a cell), which field, and what, in plain words.</summary>
public sealed record ReportProblem(string? Sheet, string? Cell, string? Field, string Code, string Message);

/// <summary>
/// The validation report of one upload, stored as JSON beside it in the reports container and read by the
/// service over HTTP. Written "queued" when the upload is stored, "processing" (with the attempt) while the
/// blob-triggered function checks it, and finally "accepted", "rejected" or "failed".
/// </summary>
public sealed record ValidationReport
{
    public required string UploadId { get; init; }
    public required int Year { get; init; }
    public required int ServiceId { get; init; }
    public required UploadStatus Status { get; init; }
    /// <summary>A short summary in plain words.</summary>
    public required string Summary { get; init; }
    public IReadOnlyList<ReportProblem> Problems { get; init; } = [];
    /// <summary>Year-on-year warnings: confirmed on the Checks sheet, or still to confirm before submitting.</summary>
    public IReadOnlyList<ReportProblem> Warnings { get; init; } = [];
    /// <summary>
    /// What still stops an accepted draft being submitted, by sheet and cell: rules across fields it breaks (the time
    /// percentages not adding to 100) and answers the definition requires that it lacks. The draft was saved regardless.
    /// </summary>
    public IReadOnlyList<ReportProblem> ToSubmit { get; init; } = [];
    /// <summary>Runs of the check so far (a run that dies is repeated; after a few the upload fails).</summary>
    public int Attempts { get; init; }
    /// <summary>The revision of the return the workbook was made from.</summary>
    public int? WorkbookRevision { get; init; }
    /// <summary>The revision the upload stored (accepted only).</summary>
    public int? StoredRevision { get; init; }
    /// <summary>"save-draft" or "submit" (accepted only).</summary>
    public string? Action { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonIgnore]
    public bool IsFinal => Status is UploadStatus.Accepted or UploadStatus.Rejected or UploadStatus.Failed;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ValidationReport FromJson(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<ValidationReport>(json, Json)!;

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
