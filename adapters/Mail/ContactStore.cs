using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Pps.Core.Definition;
using Pps.Core.Storage;

namespace Pps.Core.Mail;

/// <summary>Someone at a service who receives its mail. Personal data: read to send mail and by NPPN, never published or logged.</summary>
public sealed record Contact(string Id, int ServiceId, string Name, string Email, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// The contacts table: a partition per service (the service's id), a row per contact (a random id). The mail
/// sender reads one partition per mail; nothing else in the app reads it, and nothing from it is published.
/// </summary>
public sealed class ContactStore(PpsStorage storage)
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    /// <summary>A service has a handful of officers; the limit keeps one mail's recipient list sane.</summary>
    public const int MaxPerService = 20;

    public async Task<IReadOnlyList<Contact>> ListAsync(int serviceId, CancellationToken ct = default)
    {
        var list = new List<Contact>();
        var partition = Partition(serviceId);
        await foreach (var e in storage.Contacts.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: ct)) list.Add(FromEntity(e));
        return list.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<Contact?> GetAsync(int serviceId, string id, CancellationToken ct = default)
    {
        if (!IsId(id)) return null;
        var found = await storage.Contacts.GetEntityIfExistsAsync<TableEntity>(Partition(serviceId), id, cancellationToken: ct);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Adds a contact (<paramref name="id"/> null) or replaces one; null when the contact to replace does not exist.</summary>
    public async Task<Contact?> SaveAsync(int serviceId, string? id, string name, string email, string by, DateTimeOffset now, CancellationToken ct = default)
    {
        var contact = new Contact(id ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), serviceId, name.Trim(), email.Trim(), now, by);
        var entity = new TableEntity(Partition(serviceId), contact.Id)
        {
            ["Name"] = contact.Name, ["Email"] = contact.Email, ["UpdatedAt"] = now, ["UpdatedBy"] = by,
        };
        TableLimits.EnsureFits(entity); // Azure refuses an entity past its limits, Azurite does not
        try
        {
            if (id is null) await storage.Contacts.AddEntityAsync(entity, ct);
            else await storage.Contacts.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Replace, ct);
            return contact;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(int serviceId, string id, CancellationToken ct = default)
    {
        if (!IsId(id)) return false;
        var response = await storage.Contacts.DeleteEntityAsync(Partition(serviceId), id, ETag.All, ct);
        return response.Status != 404;
    }

    /// <summary>What is wrong with a contact as given, by field; empty when nothing is.</summary>
    public static IReadOnlyList<ValidationIssue> Problems(string? name, string? email)
    {
        var problems = new List<ValidationIssue>();
        if (string.IsNullOrWhiteSpace(name)) problems.Add(ValidationIssue.Error("name", "required", "Give the contact's name."));
        else if (name.Trim().Length > MaxNameLength) problems.Add(ValidationIssue.Error("name", "length", $"The name may be at most {MaxNameLength} characters ({name.Trim().Length} given)."));
        else if (name.Any(char.IsControl)) problems.Add(ValidationIssue.Error("name", "format", "The name may not hold line breaks or other control characters."));
        if (string.IsNullOrWhiteSpace(email)) problems.Add(ValidationIssue.Error("email", "required", "Give the contact's email address."));
        else if (!IsAddress(email.Trim())) problems.Add(ValidationIssue.Error("email", "format", $"The email address must read like name@example.org, with nothing else (at most {MaxEmailLength} characters)."));
        return problems;
    }

    /// <summary>One plain address (no display name, no list, no spaces) with a domain that has a dot.</summary>
    public static bool IsAddress(string email)
    {
        if (email.Length > MaxEmailLength || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '<' or '>' or '"')) return false;
        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1) return false;
        var domain = email[(at + 1)..];
        if (!domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.')) return false;
        return MimeKit.MailboxAddress.TryParse(email, out var parsed) && parsed.Address == email;
    }

    public static bool IsId(string id) => id.Length == 16 && id.All(char.IsAsciiHexDigitLower);

    private static string Partition(int serviceId) => serviceId.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    private static Contact FromEntity(TableEntity e) => new(
        e.RowKey, int.Parse(e.PartitionKey, System.Globalization.CultureInfo.InvariantCulture), e.GetString("Name") ?? "", e.GetString("Email") ?? "",
        e.GetDateTimeOffset("UpdatedAt") ?? default, e.GetString("UpdatedBy") ?? "");
}
