using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Pps.Core.Storage;
using Pps.Tests.Support;

namespace Pps.Tests.Scripts;

/// <summary>
/// scripts/demo.sh as a person runs it (its own Azurite, maildev and devhost): issue 23 found that its exit trap deleted
/// Azurite's data whenever the devhost died, so a host crash during a demo lost everything entered.
/// </summary>
public partial class DemoScriptTests
{
    /// <summary>
    /// The devhost is killed (kill -9) once the demo has opened the years, saved 2013's narrative and loaded 2009's returns:
    /// demo.sh exits non-zero and says where Azurite's data is kept, and Azurite started again on that folder serves what
    /// was entered before the kill. The demo is stopped there, about 20 s in, not run to its end.
    /// </summary>
    [Fact]
    public async Task A_devhost_killed_mid_demo_leaves_what_was_entered_in_Azurite_and_the_script_says_where()
    {
        // Its own process group (setsid), so that a failing test can stop the script and all it started at once.
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = RepoFiles.Root(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "bash", "scripts/demo.sh" }) start.ArgumentList.Add(arg);
        using var demo = Process.Start(start)!;
        var output = new StringWriter();
        var error = new StringWriter();
        var loaded = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        demo.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.WriteLine(e.Data);
            if (LoadedReturns().Match(e.Data) is { Success: true } match) loaded.TrySetResult(match);
        };
        demo.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.WriteLine(e.Data); };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        string? kept = null;
        try
        {
            // Normally about 10 s; more only when demo.sh has to build the devhost, the cli or the site first.
            var first = await loaded.Task.WaitAsync(TimeSpan.FromMinutes(4));
            var (year, returns) = (int.Parse(first.Groups[1].Value), int.Parse(first.Groups[2].Value));
            var host = DevHostOf(demo.Id);
            Assert.True(host is not null, $"No devhost process under demo.sh ({demo.Id}). Its output:\n{output}");
            host.Kill(); // SIGKILL: a crash, not a stop

            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await demo.WaitForExitAsync(timeout.Token);
            demo.WaitForExit(TimeSpan.FromSeconds(10)); // and its output and error are read to their end
            var said = error.ToString();
            Assert.True(demo.ExitCode != 0, $"demo.sh exited 0 after its devhost was killed. Its error output:\n{said}");
            var where = KeptIn().Match(said);
            Assert.True(where.Success, $"demo.sh did not say where Azurite's data is kept. Its error output:\n{said}");
            kept = where.Groups[1].Value;
            Assert.True(Directory.Exists(kept), $"demo.sh says the data is kept in {kept}, which does not exist.");

            await using var azurite = await AzuriteOn.StartAsync(kept);
            var storage = PpsStorage.FromConnectionString(azurite.ConnectionString, new StorageOptions());
            var years = new CollectionYearStore(storage);
            Assert.Equal([2009, 2010, 2011, 2012, 2013], (await years.ListAsync()).Select(y => y.Year).Order());
            Assert.Equal(returns, (await new ReturnStore(storage).ListYearAsync(year)).Count);
            Assert.NotNull(await new NarrativeStore(storage, years, TimeProvider.System).ReadAsync(2013));
        }
        finally
        {
            if (!demo.HasExited)
            {
                // As Ctrl-C would (the script's own clean stop), then by force.
                Signal("TERM", -demo.Id);
                if (!demo.WaitForExit(TimeSpan.FromSeconds(15))) Signal("KILL", -demo.Id);
            }
            if (kept is not null && Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
            if (DevHostLog().Match(error.ToString()) is { Success: true } log) File.Delete(log.Groups[1].Value);
        }
    }

    /// <summary>The demo's first CSV load, as it prints it: "2009: NPPN loaded 141 synthetic returns as one CSV".</summary>
    [GeneratedRegex(@"(\d{4}): NPPN loaded (\d+) synthetic returns")]
    private static partial Regex LoadedReturns();

    [GeneratedRegex(@"Azurite's data is kept in (\S+) ")]
    private static partial Regex KeptIn();

    [GeneratedRegex(@"the devhost's log in (\S+?)\.?$", RegexOptions.Multiline)]
    private static partial Regex DevHostLog();

    /// <summary>The devhost demo.sh started: its child running Pps.DevHost.dll.</summary>
    private static Process? DevHostOf(int scriptId)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var id)) continue;
            try
            {
                // /proc/{id}/stat: "id (name) state ppid ..."; the name may hold spaces, so read after its ')'.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (parent == scriptId && File.ReadAllText(Path.Combine(folder, "cmdline")).Contains("Pps.DevHost.dll", StringComparison.Ordinal))
                {
                    return Process.GetProcessById(id);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // The process ended while being read.
            }
        }
        return null;
    }

    private static void Signal(string signal, int target)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, "--", target.ToString() } })!;
        kill.WaitForExit();
    }

    /// <summary>The repository's pinned Azurite serving a data folder it kept, on free loopback ports, until disposed.</summary>
    private sealed class AzuriteOn : IAsyncDisposable
    {
        private readonly Process process;

        private AzuriteOn(Process process, string connectionString) => (this.process, ConnectionString) = (process, connectionString);

        public string ConnectionString { get; }

        public static async Task<AzuriteOn> StartAsync(string location)
        {
            var (blob, queue, table) = (Maildev.FreePort(), Maildev.FreePort(), Maildev.FreePort());
            var start = new ProcessStartInfo(RepoFiles.At("tools", "azurite", "node_modules", ".bin", "azurite")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl", "--location", location,
                         "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                         "--tableHost", "127.0.0.1", "--tablePort", $"{table}" })
            {
                start.ArgumentList.Add(arg);
            }
            var azurite = new AzuriteOn(Process.Start(start)!,
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;");
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
            {
                if (azurite.process.HasExited) throw new InvalidOperationException($"Azurite on {location} exited: {await azurite.process.StandardError.ReadToEndAsync()}");
                if (await AnswersAsync(blob) && await AnswersAsync(table)) return azurite;
                if (DateTime.UtcNow > deadline)
                {
                    await azurite.DisposeAsync();
                    throw new TimeoutException($"Azurite on {location} did not answer within 30 s.");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static async Task<bool> AnswersAsync(int port)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
