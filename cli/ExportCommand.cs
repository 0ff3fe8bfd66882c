using Microsoft.Extensions.DependencyInjection;

namespace Pps.Cli;

/// <summary>
/// Copies every blob of the published container into a local folder, under the same paths, so that any
/// static server can serve a published set (e.g. to develop the site without the local host).
/// </summary>
public static class ExportCommand
{
    public static async Task<int> PublishedAsync(CommandLine options)
    {
        var target = Path.GetFullPath(options.Required("out"));
        await using var app = CliApp.Build(options);
        var storage = app.GetRequiredService<Pps.Core.Storage.PpsStorage>();
        var store = new Pps.Core.Publishing.BlobPublishedStore(storage.Published);
        var count = 0;
        await foreach (var blob in storage.Published.GetBlobsAsync())
        {
            var path = Path.GetFullPath(Path.Combine(target, blob.Name));
            if (!path.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Blob {blob.Name} would be written outside {target}.");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Plain bytes (a compressed file is decompressed), so that any static server can serve the folder.
            var content = await store.ReadAsync(blob.Name, CancellationToken.None) ?? throw new InvalidOperationException($"Blob {blob.Name} went away while copying.");
            await File.WriteAllBytesAsync(path, content.Content.ToArray());
            count++;
        }
        Console.WriteLine($"Copied {count} published files to {target}.");
        return 0;
    }
}
