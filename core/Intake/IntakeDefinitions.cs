using Pps.Core.Definition;

namespace Pps.Core.Intake;

/// <summary>
/// The one place the workbook and CSV intake paths get a year's return definition from, so that when the
/// definition becomes a per-year document (issue 10) the swap is this one line.
/// </summary>
public static class IntakeDefinitions
{
    public static ReturnDefinition For(int year) => ReturnDefinitions.For(year);
}
