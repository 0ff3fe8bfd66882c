using System.Diagnostics;
using System.Globalization;

namespace Pps.Bench;

/// <summary>
/// CPU time used so far by this process and by Azurite (from /proc, when PPS_AZURITE_PID names it; scripts/azurite.sh's
/// AZURITE_PID). Both run on the same cores, so CPU per operation is what a loaded, shared machine cannot blur the way it
/// blurs wall time. Also compiled into the cli (bench-close). <see cref="Jit"/> is the part of this process's time spent
/// compiling methods (tiered compilation keeps compiling long after start: what a benchmark's warm-up has not settled).
/// </summary>
internal sealed record CpuMark(TimeSpan Dotnet, TimeSpan Azurite, TimeSpan Jit = default, long JitMethods = 0)
{
    private static readonly string? AzuriteStat = Environment.GetEnvironmentVariable("PPS_AZURITE_PID") is { Length: > 0 } pid ? $"/proc/{pid}/stat" : null;

    public static bool AzuriteKnown => AzuriteStat is not null && File.Exists(AzuriteStat);

    public static CpuMark Now() => new(Process.GetCurrentProcess().TotalProcessorTime, AzuriteCpu(),
        System.Runtime.JitInfo.GetCompilationTime(currentThread: false), System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false));

    public static CpuMark operator -(CpuMark end, CpuMark start) =>
        new(end.Dotnet - start.Dotnet, end.Azurite - start.Azurite, end.Jit - start.Jit, end.JitMethods - start.JitMethods);

    public static CpuMark operator +(CpuMark a, CpuMark b) => new(a.Dotnet + b.Dotnet, a.Azurite + b.Azurite, a.Jit + b.Jit, a.JitMethods + b.JitMethods);

    private static TimeSpan AzuriteCpu()
    {
        if (!AzuriteKnown) return TimeSpan.Zero;
        // Fields 14 and 15 (user and system time, in clock ticks of 1/100 s) after the command name in parentheses.
        var stat = File.ReadAllText(AzuriteStat!);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10);
    }
}
