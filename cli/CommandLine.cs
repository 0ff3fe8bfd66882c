using Pps.Core.Storage;

namespace Pps.Cli;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>"--name value" pairs.</summary>
public sealed class CommandLine(IReadOnlyDictionary<string, string> values)
{
    public static CommandLine Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null) values[name] = "true";
                name = arg[2..];
            }
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
            else
            {
                throw new CommandLineException($"Unexpected argument \"{arg}\": options are --name value.");
            }
        }
        if (name is not null) values[name] = "true";
        return new CommandLine(values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new CommandLineException($"--{name} is required.");

    public string Optional(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    /// <summary>The option's value, or null when it is not given.</summary>
    public string? Value(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public static PpsStorage Storage(StorageOptions? options = null)
    {
        var connection = Environment.GetEnvironmentVariable("PPS_STORAGE")
            ?? throw new CommandLineException("PPS_STORAGE is not set: run through scripts/run-pipeline.sh, which starts Azurite and sets it.");
        return PpsStorage.FromConnectionString(connection, options ?? new StorageOptions());
    }
}
