using Microsoft.Azure.Functions.Worker;
using Pps.Core.Backup;

namespace Pps.Functions.Backup;

/// <summary>
/// Backs up every table to the backups container on the BackupSchedule setting (Table storage has no
/// point-in-time restore). Restoring is NPPN's decision and runs from the cli: <c>restore --backup NAME</c>.
/// </summary>
public sealed class BackupTables(TableBackup backup)
{
    [Function(nameof(BackupTables))]
    [FixedDelayRetry(3, "00:05:00")]
    public async Task Run([TimerTrigger("%BackupSchedule%")] TimerInfo timer, CancellationToken ct) => await backup.BackupAsync(ct);
}
