using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Pps.Tests.Support;

namespace Pps.Tests.Infra;

/// <summary>
/// infra/hooks/postdeploy.sh as azd runs it, with az, azd, npm, curl and sleep replaced by stand-ins on PATH that record
/// what they are asked (no Azure here): what the hook uploads to $web is exactly the package site/package.mjs makes of
/// the built site, each blob with its headers, the front page last and nothing under the published prefix; and the
/// Event Grid subscription's second provision is tried three times, then left off with a warning, without failing
/// `azd up`. (The .ps1 twin is not run: no PowerShell here.)
/// </summary>
public sealed class PostdeployHookTests : IDisposable
{
    private const string ApiBase = "https://func-abc.azurewebsites.net/api";
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("pps-hook-test-");

    public void Dispose() => _scratch.Delete(recursive: true);

    private string Scratch(params string[] parts) => Path.Combine([_scratch.FullName, .. parts]);

    private const string FakeAz = """
        #!/bin/sh
        echo "az $*" >> "$FAKE_LOG"
        case "$1 $2 $3" in
          "storage blob upload")
            shift 3
            name=""; file=""; type=""; cache=""; encoding=""; container=""
            while [ $# -gt 0 ]; do
              case "$1" in
                --name) name=$2; shift 2 ;;
                --file) file=$2; shift 2 ;;
                --container-name) container=$2; shift 2 ;;
                --content-type) type=$2; shift 2 ;;
                --content-cache-control) cache=$2; shift 2 ;;
                --content-encoding) encoding=$2; shift 2 ;;
                *) shift ;;
              esac
            done
            mkdir -p "$FAKE_WEB/$(dirname "$name")"
            cp "$file" "$FAKE_WEB/$name"
            printf '%s\t%s\t%s\t%s\t%s\n' "$container" "$name" "$type" "$cache" "$encoding" >> "$FAKE_WEB.tsv"
            ;;
          "functionapp function show") echo "$7" ;;
          "functionapp keys list") echo "blobs-extension-key" ;;
        esac
        exit 0
        """;

    private const string FakeAzd = """
        #!/bin/sh
        echo "azd $*" >> "$FAKE_LOG"
        case "$1 $2" in
          "env get-values") ;;
          "provision --no-prompt") exit "$FAKE_PROVISION_EXIT" ;;
        esac
        exit 0
        """;

    private const string Recorder = """
        #!/bin/sh
        echo "$(basename "$0") $*" >> "$FAKE_LOG"
        exit 0
        """;

    private (int Exit, string Output, string[] Log) RunHook(int provisionExit)
    {
        // The repository as azd runs the hook from it: the built site and its packager (npm is a stand-in: site/dist is
        // the build scripts/test.sh made).
        CopyDirectory(RepoFiles.At("site", "dist"), Scratch("repo", "site", "dist"));
        File.Copy(RepoFiles.At("site", "package.mjs"), Scratch("repo", "site", "package.mjs"));
        var bin = Directory.CreateDirectory(Scratch("bin")).FullName;
        foreach (var (name, script) in new[] { ("az", FakeAz), ("azd", FakeAzd), ("npm", Recorder), ("curl", Recorder), ("sleep", Recorder) })
        {
            File.WriteAllText(Path.Combine(bin, name), script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
            File.SetUnixFileMode(Path.Combine(bin, name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var start = new ProcessStartInfo("sh", [RepoFiles.At("infra", "hooks", "postdeploy.sh")])
        {
            WorkingDirectory = Scratch("repo"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FAKE_LOG"] = Scratch("calls.log");
        start.Environment["FAKE_WEB"] = Scratch("web");
        start.Environment["FAKE_PROVISION_EXIT"] = provisionExit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // What azd passes to the hook (the Bicep's outputs).
        start.Environment["AZURE_STORAGE_ACCOUNT_NAME"] = "stabc";
        start.Environment["FUNCTION_APP_NAME"] = "func-abc";
        start.Environment["AZURE_RESOURCE_GROUP"] = "rg-test";
        start.Environment["API_BASE_URL"] = ApiBase;
        start.Environment["SITE_URL"] = "https://stabc.z33.web.core.windows.net/";
        start.Environment["PUBLISHED_PREFIX"] = "data/";
        start.Environment["REFERENCED_FUNCTIONS"] = "ValidateUploadedWorkbook CloseCollectionYears BackupTables";
        start.Environment.Remove("PPS_UPLOAD_EVENTS_ENABLED");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the hook did not finish in 2 minutes");
        var log = File.Exists(Scratch("calls.log")) ? File.ReadAllLines(Scratch("calls.log")) : [];
        return (process.ExitCode, stdout.Result + stderr.Result, log);
    }

    [Fact]
    public void The_hook_uploads_exactly_the_packaged_built_site_with_each_file_s_headers_and_the_front_page_last()
    {
        var (exit, output, _) = RunHook(provisionExit: 0);

        Assert.True(exit == 0, output);
        var uploads = File.ReadAllLines(Scratch("web.tsv")).Select(l => l.Split('\t')).ToList();
        Assert.All(uploads, u => Assert.Equal("$web", u[0]));
        var names = uploads.Select(u => u[1]).ToList();
        var dist = RepoFiles.At("site", "dist");
        var built = Directory.EnumerateFiles(dist, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dist, f).Replace('\\', '/')).ToList();
        Assert.Equal(built.Append("config.json").Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("index.html", names[^1]);
        Assert.DoesNotContain(names, n => n.StartsWith("data/", StringComparison.Ordinal));

        foreach (var upload in uploads)
        {
            var (name, type, cache, encoding) = (upload[1], upload[2], upload[3], upload[4]);
            var bytes = File.ReadAllBytes(Scratch("web", name));
            if (encoding == "gzip")
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
            Assert.False(string.IsNullOrEmpty(type), $"{name} has no Content-Type");
            if (System.Text.RegularExpressions.Regex.IsMatch(name, @"^assets/site\.[0-9a-f]{12}\.(js|css)$"))
            {
                Assert.Equal("public, max-age=31536000, immutable", cache);
                Assert.Equal("gzip", encoding);
            }
            if (name.EndsWith(".html", StringComparison.Ordinal) || name == "config.json")
            {
                Assert.Equal("public, max-age=300", cache);
            }
            if (name.EndsWith(".html", StringComparison.Ordinal))
            {
                Assert.Equal("text/html; charset=utf-8", type);
                Assert.Contains("connect-src 'self' https://func-abc.azurewebsites.net;", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            }
            else if (name == "config.json")
            {
                using var config = JsonDocument.Parse(bytes);
                Assert.Equal(ApiBase + "/", config.RootElement.GetProperty("apiBase").GetString());
                Assert.Equal("data/", config.RootElement.GetProperty("publishedPrefix").GetString());
            }
            else
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(dist, name)), bytes); // the built file itself
            }
        }
    }

    [Fact]
    public void A_second_provision_that_keeps_failing_is_tried_three_times_then_left_off_with_a_warning_without_failing_azd_up()
    {
        var (exit, output, log) = RunHook(provisionExit: 1);

        Assert.True(exit == 0, output);
        Assert.Equal(3, log.Count(l => l == "azd provision --no-prompt"));
        Assert.Equal(["azd env set PPS_UPLOAD_EVENTS_ENABLED true", "azd env set PPS_UPLOAD_EVENTS_ENABLED false"],
            log.Where(l => l.StartsWith("azd env set", StringComparison.Ordinal)));
        Assert.Contains("Uploaded workbooks are NOT checked", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_subscription_is_turned_on_by_one_second_provision_once_the_function_and_its_key_exist()
    {
        var (exit, output, log) = RunHook(provisionExit: 0);

        Assert.True(exit == 0, output);
        Assert.Equal(1, log.Count(l => l == "azd provision --no-prompt"));
        Assert.Equal(["azd env set PPS_UPLOAD_EVENTS_ENABLED true"], log.Where(l => l.StartsWith("azd env set", StringComparison.Ordinal)));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
