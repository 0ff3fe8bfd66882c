using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pps.Core.Storage;
using Pps.Functions.Setup;

namespace Pps.DevHost;

/// <summary>
/// A development stand-in for the Azure Functions host, on Kestrel at 127.0.0.1: the app's functions from
/// functions.metadata (HTTP, timers, the upload blob trigger, the mail queue trigger), built through the app's own DI registration
/// (<see cref="AppSetup.AddPpsApp"/>), plus the static site and the published files. Production and
/// `func start` use the real host; nothing that matters (credentials, window rules, validation) lives here.
/// </summary>
public static class DevHostApp
{
    /// <summary>Security headers the deployment serves the site and data with: self only, no inline script.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Builds the host. Settings come, lowest first, from a local.settings.json's "Values" (DevHost:Settings,
    /// or functions/local.settings.json if it exists), environment variables, then the command line
    /// (--port 7071, --PpsStorage "...", --Pps:AdminTokenSha256 ...). <paramref name="configureServices"/> runs
    /// before the app's registration, so a test can put in its own TimeProvider.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var repoRoot = RepoRoot();
        var settingsFile = builder.Configuration["DevHost:Settings"] ?? Path.Combine(repoRoot, "functions", "local.settings.json");
        if (File.Exists(settingsFile))
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = LocalSettings(settingsFile) });
        }
        var port = int.Parse(builder.Configuration["port"] ?? builder.Configuration["DevHost:Port"] ?? "7071", System.Globalization.CultureInfo.InvariantCulture);
        var topology = Topology(builder.Configuration, port);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, topology?.ApiPort ?? port);
            if (topology is not null) k.Listen(IPAddress.Loopback, topology.SitePort);
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        configureServices?.Invoke(builder.Services);
        builder.Services.AddPpsApp(builder.Configuration);
        builder.Services.AddMvcCore();

        var catalog = FunctionCatalog.Load(FunctionCatalog.FindMetadata(builder.Configuration["DevHost:Metadata"], repoRoot));
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(provider => new TimerScheduler(
            catalog.OfType("timerTrigger").Select(f => new TimerSchedule(f, builder.Configuration)).ToList(),
            provider, provider.GetRequiredService<ILogger<TimerScheduler>>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<TimerScheduler>());
        var poll = TimeSpan.FromSeconds(double.Parse(builder.Configuration["DevHost:BlobPollSeconds"] ?? "2", System.Globalization.CultureInfo.InvariantCulture));
        builder.Services.AddSingleton(provider => new UploadTriggerService(
            catalog.OfType("blobTrigger").Select(f => UploadTrigger.For(f, builder.Configuration, Account(provider, f))).ToList(),
            poll, provider, provider.GetRequiredService<ILogger<UploadTriggerService>>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<UploadTriggerService>());
        var queuePoll = TimeSpan.FromSeconds(double.Parse(builder.Configuration["DevHost:QueuePollSeconds"] ?? "1", System.Globalization.CultureInfo.InvariantCulture));
        var queueSettings = QueueSettings.Read(catalog.MetadataPath);
        // Tests retry sooner than host.json's visibility timeout; the number of deliveries stays host.json's.
        if (builder.Configuration["DevHost:QueueRetrySeconds"] is { } retry)
        {
            queueSettings = queueSettings with { VisibilityTimeout = TimeSpan.FromSeconds(double.Parse(retry, System.Globalization.CultureInfo.InvariantCulture)) };
        }
        builder.Services.AddSingleton(provider => new QueueTriggerService(
            catalog.OfType("queueTrigger").Select(f => QueueTrigger.For(f, builder.Configuration, QueueAccount(provider, f), queueSettings)).ToList(),
            queuePoll, provider, provider.GetRequiredService<ILogger<QueueTriggerService>>()));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<QueueTriggerService>());
        builder.Services.AddSingleton<PublishedFiles>();
        // The site's pages, script and styles go out gzip-compressed, as site/package.mjs stores them for the static
        // website (the bundle is ~350 KB as is, ~115 KB compressed); the published files are stored compressed already.
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });
        builder.Services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.SmallestSize);
        var siteFolder = SiteFolder(builder.Configuration, repoRoot);
        if (topology is not null)
        {
            builder.Services.AddSingleton(topology);
            builder.Services.AddSingleton<StaticWebsite>();
            builder.Services.AddCors();
            builder.Services.AddHostedService(provider => new SiteDeployment(topology, siteFolder, repoRoot, $"{topology.ApiOrigin}/{catalog.RoutePrefix}/",
                provider.GetRequiredService<PpsStorage>(), provider.GetRequiredService<ILogger<SiteDeployment>>()));
        }

        var app = builder.Build();
        if (topology is not null)
        {
            // The site's origin: the published container as the static website serves it, nothing else.
            var website = app.Services.GetRequiredService<StaticWebsite>();
            app.MapWhen(context => context.Connection.LocalPort == topology.SitePort, site => site.Run(website.ServeAsync));
            // The API's origin, with the CORS of the function app (infra/modules/function-app.bicep: the allowed origins,
            // no credentials) as the Functions host applies it: any method and request header, no exposed response header.
            app.UseCors(policy => policy.WithOrigins([.. topology.AllowedOrigins]).AllowAnyMethod().AllowAnyHeader());
            app.UseRouting();
            HttpFunctions.Map(app, catalog);
            return app;
        }
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            await next();
        });
        var site = siteFolder;
        if (Directory.Exists(site))
        {
            var files = new PhysicalFileProvider(site);
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/" + catalog.RoutePrefix), branch => branch.UseResponseCompression());
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.UseRouting();
        // What the deployment writes beside the pages (site/package.mjs): here the API is on the site's own origin.
        var siteConfig = JsonSerializer.Serialize(new { apiBase = catalog.RoutePrefix + "/", publishedPrefix = app.Services.GetRequiredService<PpsStorage>().Options.PublishedPrefix });
        app.MapGet("/config.json", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Text(siteConfig, "application/json; charset=utf-8");
        });
        HttpFunctions.Map(app, catalog);
        app.Services.GetRequiredService<PublishedFiles>().Map(app);
        return app;
    }

    /// <summary>
    /// The production topology when asked for (--topology production, or DevHost:Topology): the API on --port and the
    /// site on DevHost:SitePort (each a free port when 0 or unset), CORS for Host:CORS (comma-separated origins, as in
    /// local.settings.json; the site's origin by default). Null for the local topology (one origin).
    /// </summary>
    public static ProductionTopology? Topology(IConfiguration configuration, int port)
    {
        var name = configuration["topology"] ?? configuration["DevHost:Topology"] ?? "local";
        if (name.Equals("local", StringComparison.OrdinalIgnoreCase)) return null;
        if (!name.Equals("production", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"--topology {name}: expected local (one origin) or production (site and API on two origins).");
        }
        var apiPort = port == 0 ? ProductionTopology.FreePort() : port;
        var sitePort = int.Parse(configuration["DevHost:SitePort"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (sitePort == 0) sitePort = ProductionTopology.FreePort();
        if (sitePort == apiPort) throw new InvalidOperationException($"DevHost:SitePort {sitePort} is the API's port: the production topology needs two origins.");
        var site = $"http://127.0.0.1:{sitePort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var origins = (configuration["Host:CORS"] ?? site).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ProductionTopology(apiPort, sitePort, origins);
    }

    /// <summary>The site's base URL: its own origin in the production topology, else the host's.</summary>
    public static string SiteUrl(WebApplication app) =>
        app.Services.GetService<ProductionTopology>() is { } topology ? topology.SiteOrigin + "/" : BaseUrl(app);

    /// <summary>The site's folder: DevHost:Site, or site/dist of the repository.</summary>
    public static string SiteFolder(IConfiguration configuration, string repoRoot) =>
        Path.GetFullPath(configuration["DevHost:Site"] ?? Path.Combine(repoRoot, "site", "dist"), repoRoot);

    /// <summary>The folder holding PPS.Serverless.sln, looked for upwards from the devhost's binaries and the working directory.</summary>
    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PPS.Serverless.sln"))) return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The base URL Kestrel listens on (with the real port when 0 was asked for).</summary>
    public static string BaseUrl(WebApplication app) =>
        app.Services.GetService<ProductionTopology>() is { } topology
            ? topology.ApiOrigin + "/"
            : app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

    /// <summary>What the console shows at start: the URL, the functions mapped, timers and their next run, the upload trigger.</summary>
    public static string Describe(WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        var text = new StringBuilder();
        var url = BaseUrl(app);
        text.AppendLine($"PPS devhost (a stand-in for the Functions host; production and `func start` use the real one) on {url}");
        text.AppendLine($"Functions from {catalog.MetadataPath}:");
        foreach (var f in catalog.OfType("httpTrigger"))
        {
            text.AppendLine($"  {f.Name,-24} {string.Join(",", f.Methods),-6} {url}{HttpFunctions.RouteOf(f, catalog.RoutePrefix)}  (auth level {f.Property("authLevel")}, not enforced here)");
        }
        foreach (var t in app.Services.GetRequiredService<TimerScheduler>().Timers)
        {
            text.AppendLine($"  {t.Function.Name,-24} timer  \"{t.Expression}\", next run {t.NextAfter(DateTimeOffset.UtcNow):u}");
        }
        var uploads = app.Services.GetRequiredService<UploadTriggerService>().Triggers;
        if (uploads.Count == 0)
        {
            text.AppendLine("  Upload trigger: not active (no blobTrigger function in functions.metadata); uploads are not processed.");
        }
        foreach (var u in uploads)
        {
            text.AppendLine($"  {u.Function.Name,-24} blob   new blobs in {u.Container.Name}/{u.PathPattern} (polled; Event Grid in Azure)");
        }
        foreach (var q in app.Services.GetRequiredService<QueueTriggerService>().Triggers)
        {
            text.AppendLine($"  {q.Function.Name,-24} queue  messages on {q.Queue.Name} (tried {q.Settings.MaxDequeueCount} times, then {q.Poison.Name})");
        }
        var site = SiteFolder(app.Configuration, RepoRoot());
        if (app.Services.GetService<ProductionTopology>() is { } topology)
        {
            text.AppendLine($"Production topology: the site (packaged from {site} by site/package.mjs into container {app.Services.GetRequiredService<PpsStorage>().Options.PublishedContainer}) " +
                $"as the static website serves it at {topology.SiteOrigin}/, the API at {url}{catalog.RoutePrefix}/ with CORS for {string.Join(", ", topology.AllowedOrigins)}");
            return text.ToString();
        }
        text.AppendLine(Directory.Exists(site) ? $"Site: {site} at {url}" : $"Site: {site} does not exist; nothing is served at {url}");
        var storage = app.Services.GetRequiredService<PpsStorage>();
        text.AppendLine($"Published files: {url}{storage.Options.PublishedPrefix}... from container {storage.Options.PublishedContainer}/{storage.Options.PublishedPrefix}");
        return text.ToString();
    }

    private static Azure.Storage.Blobs.BlobServiceClient Account(IServiceProvider provider, FunctionEntry function)
    {
        var connection = function.Property("connection") ?? StorageSetup.ConnectionName;
        if (connection != StorageSetup.ConnectionName)
        {
            throw new NotSupportedException($"Blob trigger {function.Name} uses the connection {connection}; the devhost serves only {StorageSetup.ConnectionName}.");
        }
        return Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetParentBlobServiceClient(provider.GetRequiredService<PpsStorage>().Uploads);
    }

    private static Azure.Storage.Queues.QueueServiceClient QueueAccount(IServiceProvider provider, FunctionEntry function)
    {
        var connection = function.Property("connection") ?? StorageSetup.ConnectionName;
        if (connection != StorageSetup.ConnectionName)
        {
            throw new NotSupportedException($"Queue trigger {function.Name} uses the connection {connection}; the devhost serves only {StorageSetup.ConnectionName}.");
        }
        // The app's own client (Base64 messages, as the Functions queue extension reads them).
        return provider.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>();
    }

    /// <summary>"Values" of a local.settings.json, with "__" read as the section separator as the Functions host does.</summary>
    private static Dictionary<string, string?> LocalSettings(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var v))
        {
            foreach (var property in v.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ToString();
            }
        }
        return values;
    }
}
