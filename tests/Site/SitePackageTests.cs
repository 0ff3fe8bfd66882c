using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pps.Tests.Support;

namespace Pps.Tests.Site;

/// <summary>
/// What the deployment uploads to the static website, made by the script the postdeploy hooks run
/// (site/package.mjs) from the built site: exactly site/dist's files and config.json, each with its headers, and
/// never a source file or node_modules. The script must refuse a build that lacks index.html or an asset a page
/// links to, and a folder holding anything that is not a built file.
/// </summary>
public sealed partial class SitePackageTests : IDisposable
{
    private const string ApiBase = "https://func-abc.azurewebsites.net/api/";
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("pps-package-test-");

    private static string Dist => RepoFiles.At("site", "dist");

    public void Dispose() => _scratch.Delete(recursive: true);

    private sealed record Planned(string Path, string ContentType, string CacheControl, string ContentEncoding);

    private static (int Exit, string Output) Package(string dist, string output, string plan)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = RepoFiles.Root() };
        foreach (var a in new[] { RepoFiles.At("site", "package.mjs"), "--dist", dist, "--out", output, "--plan", plan, "--api-base", ApiBase, "--published-prefix", "data/" })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text);
    }

    private static string Read(string file, Planned entry)
    {
        var bytes = File.ReadAllBytes(file);
        if (entry.ContentEncoding == "gzip")
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            bytes = plain.ToArray();
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static List<string> FilesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void The_package_is_the_built_site_with_its_configuration_and_every_file_has_its_headers()
    {
        Assert.True(File.Exists(Path.Combine(Dist, "index.html")), $"The site is not built: run `npm ci && npm run build` in site/ ({Dist}).");
        var output = Path.Combine(_scratch.FullName, "site");
        var planFile = Path.Combine(_scratch.FullName, "plan.tsv");

        var (exit, text) = Package(Dist, output, planFile);

        Assert.True(exit == 0, text);
        var plan = File.ReadAllLines(planFile).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(p => new Planned(p[0], p[1], p[2], p[3])).ToList();
        // What is uploaded is what the plan lists, and that is site/dist plus config.json: nothing more, nothing less.
        Assert.Equal(FilesUnder(output), plan.Select(p => p.Path).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(FilesUnder(Dist).Append("config.json").Order(StringComparer.Ordinal).ToList(), plan.Select(p => p.Path).Order(StringComparer.Ordinal).ToList());
        Assert.Contains(plan, p => p.Path == "index.html");
        Assert.Contains(plan, p => p.Path == "404.html");
        Assert.Equal("index.html", plan[^1].Path); // the front door goes live last, after everything it loads
        foreach (var p in plan)
        {
            Assert.DoesNotMatch(@"(^|/)(node_modules|src)/|package(-lock)?\.json$|\.(mjs|scss)$|layout\.html$", p.Path);
        }

        var index = plan.Single(p => p.Path == "index.html");
        var html = Read(Path.Combine(output, "index.html"), index);
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var entry = plan.SingleOrDefault(p => p.Path == asset);
            Assert.True(entry is not null, $"index.html loads {asset}, which is not uploaded");
            if (asset.EndsWith(".svg", StringComparison.Ordinal)) continue; // the favicon keeps its name and a short cache
            Assert.Matches(@"\.[0-9a-f]{12}\.(js|css)$", asset);
            Assert.Equal("public, max-age=31536000, immutable", entry.CacheControl);
            Assert.Equal("gzip", entry.ContentEncoding);
        }
        Assert.Equal("text/html; charset=utf-8", index.ContentType);
        Assert.Equal("public, max-age=300", index.CacheControl);
        Assert.Equal("text/css; charset=utf-8", plan.Single(p => p.Path.EndsWith(".css", StringComparison.Ordinal)).ContentType);
        Assert.Equal("text/javascript; charset=utf-8", plan.Single(p => p.Path.EndsWith(".js", StringComparison.Ordinal)).ContentType);

        var config = plan.Single(p => p.Path == "config.json");
        Assert.Equal("application/json; charset=utf-8", config.ContentType);
        Assert.Equal("public, max-age=300", config.CacheControl);
        using var json = JsonDocument.Parse(Read(Path.Combine(output, "config.json"), config));
        Assert.Equal(ApiBase, json.RootElement.GetProperty("apiBase").GetString());
        Assert.Equal("data/", json.RootElement.GetProperty("publishedPrefix").GetString());

        // Every page carries its own policy, before anything it governs: each directive allows the site itself and,
        // to fetch from, the API's origin; nothing else (no other host, no data: or blob: source, no inline script).
        foreach (var page in plan.Where(p => p.Path.EndsWith(".html", StringComparison.Ordinal)))
        {
            var content = Read(Path.Combine(output, page.Path), page);
            var policy = Policy().Match(content);
            Assert.True(policy.Success, $"{page.Path} has no Content-Security-Policy meta element");
            var firstLoad = Regex.Match(content, "<(script|link|style|img)[\\s>]");
            Assert.True(firstLoad.Success && policy.Index < firstLoad.Index, $"{page.Path}: the policy must come before the first element it governs");
            var directives = policy.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(d => d[0], d => d[1..]);
            Assert.Equal(["'self'", "https://func-abc.azurewebsites.net"], directives["connect-src"]);
            foreach (var fetch in new[] { "default-src", "script-src", "style-src", "img-src", "font-src" })
            {
                Assert.True(directives.TryGetValue(fetch, out var sources) && sources.SequenceEqual(["'self'"]), $"{page.Path}: {fetch} must allow only 'self', not {string.Join(' ', sources ?? [])}");
            }
            Assert.Equal(["'none'"], directives["object-src"]);
            foreach (var (directive, sources) in directives)
            {
                Assert.All(sources, source => Assert.True(source is "'self'" or "'none'" || (directive == "connect-src" && source == "https://func-abc.azurewebsites.net"),
                    $"{page.Path}: {directive} allows {source}"));
            }
            Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)[^>]*>", content);
        }
    }

    [Theory]
    [InlineData("node_modules/chart.js/dist/chart.js", "node_modules")]
    [InlineData("src/js/main.js", "src/js/main.js")]
    [InlineData("package.json", "package.json")]
    [InlineData("build.mjs", "build.mjs")]
    public void A_file_that_is_not_built_is_refused_naming_it(string extra, string named)
    {
        var dist = CopyOfDist();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dist, extra))!);
        File.WriteAllText(Path.Combine(dist, extra), "{}");

        var (exit, text) = Package(dist, Path.Combine(_scratch.FullName, "out"), Path.Combine(_scratch.FullName, "plan.tsv"));

        Assert.NotEqual(0, exit);
        Assert.Contains(named, text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_scratch.FullName, "plan.tsv")), "no plan is written for a refused package");
    }

    [Fact]
    public void A_build_without_index_html_or_with_a_missing_asset_is_refused()
    {
        var noIndex = CopyOfDist();
        File.Delete(Path.Combine(noIndex, "index.html"));
        var (exit, text) = Package(noIndex, Path.Combine(_scratch.FullName, "out1"), Path.Combine(_scratch.FullName, "plan1.tsv"));
        Assert.NotEqual(0, exit);
        Assert.Contains("index.html", text, StringComparison.Ordinal);

        var noAsset = CopyOfDist();
        var css = Directory.GetFiles(Path.Combine(noAsset, "assets"), "site.*.css").Single();
        File.Delete(css);
        (exit, text) = Package(noAsset, Path.Combine(_scratch.FullName, "out2"), Path.Combine(_scratch.FullName, "plan2.tsv"));
        Assert.NotEqual(0, exit);
        Assert.Contains(Path.GetFileName(css), text, StringComparison.Ordinal);
    }

    private string CopyOfDist()
    {
        Assert.True(File.Exists(Path.Combine(Dist, "index.html")), $"The site is not built: run `npm ci && npm run build` in site/ ({Dist}).");
        var copy = Path.Combine(_scratch.FullName, "dist-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in FilesUnder(Dist))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
            File.Copy(Path.Combine(Dist, file), Path.Combine(copy, file));
        }
        return copy;
    }

    [GeneratedRegex("(?:src|href)=\"(assets/[^\"]+)\"")]
    private static partial Regex AssetReference();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex Policy();
}
