namespace Pps.Core.Uploads.Workbook;

/// <summary>
/// What a workbook was made for, kept in its very hidden, protected metadata sheet: the service, the
/// collection year, the version of the year's return definition and the revision of the return it was
/// filled from (0 when there was no stored return yet). An upload is checked against all four.
/// </summary>
public sealed record WorkbookOrigin(int ServiceId, int Year, int DefinitionVersion, int Revision, DateTimeOffset MadeAt);
