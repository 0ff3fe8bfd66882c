using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace Pps.DevHost;

/// <summary>One function as the build declared it in functions.metadata, with the method it runs.</summary>
public sealed record FunctionEntry(string Name, string EntryPoint, MethodInfo Method, JsonElement Trigger)
{
    public string TriggerType => Trigger.GetProperty("type").GetString() ?? "";

    public string? Property(string name) =>
        Trigger.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public IReadOnlyList<string> Methods =>
        Trigger.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
            ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToList()
            : ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
}

/// <summary>
/// The functions of the build, read from functions.metadata (what the Functions SDK generates and the real
/// host reads): name, entry point and trigger binding. Nothing here lists the app's functions by hand.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(string path, IReadOnlyList<FunctionEntry> functions, string routePrefix)
    {
        MetadataPath = path;
        Functions = functions;
        RoutePrefix = routePrefix;
    }

    public string MetadataPath { get; }
    public IReadOnlyList<FunctionEntry> Functions { get; }
    /// <summary>host.json's extensions.http.routePrefix ("api" if it says nothing).</summary>
    public string RoutePrefix { get; }

    public IEnumerable<FunctionEntry> OfType(string triggerType) =>
        Functions.Where(f => string.Equals(f.TriggerType, triggerType, StringComparison.OrdinalIgnoreCase));

    public static FunctionCatalog Load(string metadataPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var functions = document.RootElement.EnumerateArray().Select(Entry).ToList();
        var hostJson = Path.Combine(Path.GetDirectoryName(metadataPath)!, "host.json");
        var prefix = "api";
        if (File.Exists(hostJson))
        {
            using var host = JsonDocument.Parse(File.ReadAllText(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (host.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("http", out var http)
                && http.TryGetProperty("routePrefix", out var rp))
            {
                prefix = rp.GetString() ?? "";
            }
        }
        return new FunctionCatalog(metadataPath, functions, prefix.Trim('/'));
    }

    private static FunctionEntry Entry(JsonElement function)
    {
        var name = function.GetProperty("name").GetString()!;
        var entryPoint = function.GetProperty("entryPoint").GetString()!;
        var scriptFile = function.GetProperty("scriptFile").GetString()!;
        var trigger = function.GetProperty("bindings").EnumerateArray()
            .FirstOrDefault(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));
        if (trigger.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"Function {name} has no trigger binding in functions.metadata.");
        var dot = entryPoint.LastIndexOf('.');
        var assembly = Assembly.Load(new AssemblyName(Path.GetFileNameWithoutExtension(scriptFile)));
        var type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == entryPoint[(dot + 1)..]).ToList();
        var method = candidates.Count == 1 ? candidates[0]
            : candidates.SingleOrDefault(m => m.GetCustomAttribute<FunctionAttribute>()?.Name == name)
              ?? throw new InvalidOperationException($"Function {name}: {entryPoint} is not one public method.");
        return new FunctionEntry(name, entryPoint, method, trigger.Clone());
    }

    /// <summary>
    /// functions.metadata of the build: the setting DevHost:Metadata if given, else the one copied next to the
    /// devhost (the functions project is a project reference), else the functions project's own output.
    /// </summary>
    public static string FindMetadata(string? configured, string repoRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? Path.GetFullPath(configured)
                : throw new FileNotFoundException($"DevHost:Metadata points at {configured}, which does not exist.", configured);
        }
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "functions.metadata"),
            Path.Combine(repoRoot, "functions", "bin", "Debug", "net10.0", "functions.metadata"),
            Path.Combine(repoRoot, "functions", "bin", "Release", "net10.0", "functions.metadata"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("functions.metadata was not found: build the functions project (dotnet build devhost builds it).", candidates[0]);
    }

    /// <summary>Replaces %Setting% in a binding expression by the setting's value, as the Functions host does.</summary>
    public static string Resolve(string expression, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        System.Text.RegularExpressions.Regex.Replace(expression, "%([^%]+)%", m =>
            configuration[m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal)]
            ?? throw new InvalidOperationException($"The binding expression {expression} needs the setting {m.Groups[1].Value}, which is not set."));
}
