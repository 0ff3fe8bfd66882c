using System.Collections;
using System.Text.RegularExpressions;
using Pps.Functions.Setup;

namespace Pps.Cli;

/// <summary>
/// Where a command's storage account is, as the app's own "PpsStorage" settings: a connection string
/// (<c>PPS_STORAGE</c>: Azurite, or an account that allows shared keys), or the account's service endpoints with
/// Microsoft Entra ID. Every account the Bicep creates has shared keys off, so in Azure the endpoints are the only
/// way in: <c>--account NAME</c> (its public endpoints) or <c>--table-endpoint URI --blob-endpoint URI</c> (any
/// cloud, or the tables of one account and the backups of another), or the same as environment variables
/// (<c>PPS_STORAGE_ACCOUNT</c>, or <c>PpsStorage__tableServiceUri</c> and <c>PpsStorage__blobServiceUri</c> as the
/// function app names them). The credential is then the one Microsoft.Extensions.Azure builds from the
/// "PpsStorage" section (the app's <see cref="StorageSetup"/> path): with no <c>PpsStorage__credential</c> set,
/// <c>DefaultAzureCredential</c> (<c>az login</c>, Visual Studio, environment variables, a managed identity).
/// The options win over the environment, and endpoints over a connection string.
/// </summary>
public static partial class StorageTarget
{
    public const string AccountOption = "account";
    public const string TableEndpointOption = "table-endpoint";
    public const string BlobEndpointOption = "blob-endpoint";
    public const string QueueEndpointOption = "queue-endpoint";
    public const string ConnectionVariable = "PPS_STORAGE";
    public const string AccountVariable = "PPS_STORAGE_ACCOUNT";

    private static readonly string Section = StorageSetup.ConnectionName;

    /// <summary>What the options and the environment say, as configuration keys of the "PpsStorage" section.</summary>
    public static Dictionary<string, string?> Settings(CommandLine options, IDictionary environment)
    {
        string? Variable(string name) => environment[name] is string { Length: > 0 } value ? value : null;

        var fromOptions = Endpoints(options.Value(AccountOption), options.Value(TableEndpointOption), options.Value(BlobEndpointOption),
            options.Value(QueueEndpointOption), $"--{AccountOption}", $"--{TableEndpointOption}", $"--{BlobEndpointOption}", $"--{QueueEndpointOption}");
        if (fromOptions is not null) return fromOptions;
        var fromEnvironment = Endpoints(Variable(AccountVariable), Variable($"{Section}__tableServiceUri"), Variable($"{Section}__blobServiceUri"),
            Variable($"{Section}__queueServiceUri"), AccountVariable, $"{Section}__tableServiceUri", $"{Section}__blobServiceUri", $"{Section}__queueServiceUri");
        if (fromEnvironment is not null)
        {
            // The rest of the section (credential, clientId, tenantId…) as the app reads it, for a managed identity of choice.
            foreach (DictionaryEntry variable in environment)
            {
                if (variable.Key is string key && key.StartsWith(Section + "__", StringComparison.Ordinal)
                    && !fromEnvironment.ContainsKey(key.Replace("__", ":", StringComparison.Ordinal)))
                {
                    fromEnvironment[key.Replace("__", ":", StringComparison.Ordinal)] = variable.Value as string;
                }
            }
            return fromEnvironment;
        }
        var connection = Variable(ConnectionVariable) ?? throw new CommandLineException(
            $"No storage account: set {ConnectionVariable} to a connection string (scripts/azurite.sh sets it for Azurite), " +
            $"or give --{AccountOption} NAME (or --{TableEndpointOption} and --{BlobEndpointOption}) to sign in with Microsoft Entra ID.");
        return new() { [Section] = connection };
    }

    private static Dictionary<string, string?>? Endpoints(string? account, string? table, string? blob, string? queue,
        string accountName, string tableName, string blobName, string queueName)
    {
        if (account is null && table is null && blob is null && queue is null) return null;
        Uri tableUri, blobUri, queueUri;
        if (account is not null)
        {
            if (table is not null || blob is not null || queue is not null)
            {
                throw new CommandLineException($"{accountName} names the account's public endpoints: give either it or {tableName} and {blobName}, not both.");
            }
            if (!AccountName().IsMatch(account))
            {
                throw new CommandLineException($"{accountName} \"{account}\" is not a storage account name (3 to 24 lower-case letters and digits).");
            }
            tableUri = new Uri($"https://{account}.table.core.windows.net/");
            blobUri = new Uri($"https://{account}.blob.core.windows.net/");
            queueUri = new Uri($"https://{account}.queue.core.windows.net/");
        }
        else
        {
            tableUri = Endpoint(table, tableName, blobName);
            blobUri = Endpoint(blob, blobName, tableName);
            // The queue (the mail outbox) is only touched by a command that queues mail; the account's own by default.
            queueUri = queue is not null ? Endpoint(queue, queueName, blobName)
                : new UriBuilder(blobUri) { Host = blobUri.Host.Replace(".blob.", ".queue.", StringComparison.Ordinal) }.Uri;
        }
        return new()
        {
            [Section] = null,
            [$"{Section}:tableServiceUri"] = tableUri.ToString(),
            [$"{Section}:blobServiceUri"] = blobUri.ToString(),
            [$"{Section}:queueServiceUri"] = queueUri.ToString(),
        };
    }

    private static Uri Endpoint(string? value, string name, string other)
    {
        if (value is null) throw new CommandLineException($"{name} is required with {other}: a restore or an import needs both the tables and the blobs.");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            // The SDK sends a bearer token over TLS only.
            throw new CommandLineException($"{name} \"{value}\" is not an https URI (such as https://<account>.table.core.windows.net/).");
        }
        return uri;
    }

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}
