namespace Pps.Core.Storage;

/// <summary>Names of the tables and containers; bound from the "Pps" configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Pps";

    /// <summary>Prefix of every table name, so that test runs and environments can share an account.</summary>
    public string TablePrefix { get; set; } = "pps";
    public string UploadsContainer { get; set; } = "uploads";
    public string ReportsContainer { get; set; } = "validation-reports";
    public string PublishedContainer { get; set; } = "published";
    public string ReferenceContainer { get; set; } = "reference";
    /// <summary>Provisional sets (NPPN's recomputes before the close): private, never the public website's container.</summary>
    public string ProvisionalContainer { get; set; } = "provisional";
    /// <summary>Table backups (versioned, immutable in Azure): see adapters/Backup.</summary>
    public string BackupsContainer { get; set; } = "backups";
    /// <summary>The container of the backup copy's account ("PpsBackupCopy"); empty for the backups container's name.</summary>
    public string? BackupCopyContainer { get; set; }

    /// <summary>
    /// Folder of the published container that every published file goes under ("Pps__PublishedPrefix",
    /// default "data/"): in Azure the container is the static website's $web, whose root holds the site,
    /// so the figures are served at /data/... The Bicep lifecycle rule matches "$web/" + this prefix.
    /// </summary>
    public string PublishedPrefix { get; set; } = DefaultPublishedPrefix;

    public const string DefaultPublishedPrefix = "data/";

    /// <summary>
    /// True in Azure ("Pps__TablesProvisioned"): the deployment creates the tables (infra/modules/storage.bicep) and
    /// the app's identity may use only their entities (infra/modules/roles.bicep), so the app checks at start that
    /// each is there instead of creating it. False (the default) on Azurite and in tests: the app creates them.
    /// </summary>
    public bool TablesProvisioned { get; set; }

    public string ReturnsTable => TablePrefix + "Returns";
    public string ReturnHistoryTable => TablePrefix + "ReturnHistory";
    public string YearsTable => TablePrefix + "Years";
    public string CredentialsTable => TablePrefix + "Credentials";
    /// <summary>Each service's mail contacts (personal data: names and addresses, read only to send mail).</summary>
    public string ContactsTable => TablePrefix + "Contacts";
    /// <summary>The mail ledger: one row per mail event (its idempotency key), so that no event is mailed twice.</summary>
    public string MailTable => TablePrefix + "Mail";

    /// <summary>
    /// The outbox queue ("Pps__MailQueue"); the queue trigger binds "%Pps:MailQueue%", so a host needs it set. Empty
    /// means the table prefix's own queue ("pps-mail"), so that tests and environments sharing an account keep apart.
    /// Failed messages end in "{queue}-poison", as the Functions host names it.
    /// </summary>
    public string? MailQueue { get; set; }

    /// <summary>
    /// Tables and containers of their own for one run (a test, a benchmark) sharing an account with others: the
    /// default names with <paramref name="id"/> after them, and the tables' prefix <paramref name="tablePrefix"/> + id.
    /// </summary>
    public static StorageOptions ForRun(string id, string tablePrefix = "t")
    {
        var defaults = new StorageOptions();
        return new StorageOptions
        {
            TablePrefix = tablePrefix + id,
            UploadsContainer = $"{defaults.UploadsContainer}-{id}",
            ReportsContainer = $"{defaults.ReportsContainer}-{id}",
            PublishedContainer = $"{defaults.PublishedContainer}-{id}",
            ReferenceContainer = $"{defaults.ReferenceContainer}-{id}",
            ProvisionalContainer = $"{defaults.ProvisionalContainer}-{id}",
            BackupsContainer = $"{defaults.BackupsContainer}-{id}",
        };
    }

    /// <summary>
    /// These names as the app's settings ("Pps:TablePrefix", ...; with <paramref name="separator"/> "__" as environment
    /// variables): how a test, a benchmark or a second process is pointed at the same tables and containers.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(string separator = ":")
    {
        KeyValuePair<string, string?> Setting(string name, string? value) => KeyValuePair.Create(SectionName + separator + name, value);
        yield return Setting(nameof(TablePrefix), TablePrefix);
        yield return Setting(nameof(UploadsContainer), UploadsContainer);
        yield return Setting(nameof(ReportsContainer), ReportsContainer);
        yield return Setting(nameof(PublishedContainer), PublishedContainer);
        yield return Setting(nameof(ReferenceContainer), ReferenceContainer);
        yield return Setting(nameof(ProvisionalContainer), ProvisionalContainer);
        yield return Setting(nameof(BackupsContainer), BackupsContainer);
        yield return Setting(nameof(PublishedPrefix), PublishedPrefix);
        if (TablesProvisioned) yield return Setting(nameof(TablesProvisioned), "true");
        if (BackupCopyContainer is not null) yield return Setting(nameof(BackupCopyContainer), BackupCopyContainer);
        if (MailQueue is not null) yield return Setting(nameof(MailQueue), MailQueue);
    }

    public string MailQueueName => string.IsNullOrWhiteSpace(MailQueue) ? TablePrefix.ToLowerInvariant() + "-mail" : MailQueue;
    public string MailPoisonQueueName => MailQueueName + "-poison";
}
