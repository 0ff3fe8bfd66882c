using System.Diagnostics;
using System.Reflection;
using Pps.Core.Storage;

namespace Pps.Tests.Support;

/// <summary>The built cli (cli/bin/{configuration}) as NPPN runs it: a process of its own on a test's tables and containers.</summary>
public static class CliProcess
{
    /// <summary>Runs the cli with <paramref name="args"/> on Azurite, on <paramref name="options"/>' tables and containers when
    /// given (else the app's default names, as an operator who names them in the arguments runs it); its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(StorageOptions? options, params string[] args)
    {
        var configuration = typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var cli = RepoFiles.At("cli", "bin", configuration, "net10.0", "pps.dll");
        Assert.True(File.Exists(cli), $"{cli} is not built.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["PPS_STORAGE"] = Azurite.ConnectionString;
        foreach (var (name, value) in options?.Settings("__") ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
