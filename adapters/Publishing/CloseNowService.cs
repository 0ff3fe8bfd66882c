using Microsoft.Extensions.Logging;
using Pps.Core.Catalogue;
using Pps.Core.Definition;
using Pps.Core.Returns;
using Pps.Core.Storage;

namespace Pps.Core.Publishing;

/// <summary>A service named in a close's preview or outcome, with the time that matters for it (last saved, or until).</summary>
public sealed record ServiceAt(int ServiceId, string Name, DateTimeOffset? At);

/// <summary>
/// What closing and publishing a year now would do (or, after it, did): the returns that count, the drafts left out, the
/// returns submitted without every answer the definition requires (which count nowhere), the services that have not
/// started, and the extensions still running, which a close now ends. <see cref="Refusal"/> says why it cannot be done.
/// </summary>
public sealed record ClosePreview(
    int Year,
    CollectionState State,
    DateTimeOffset Closes,
    int ReturnsCounted,
    IReadOnlyList<ServiceAt> DraftsLeftOut,
    IReadOnlyList<ServiceAt> SubmittedNotCounting,
    int NotStarted,
    IReadOnlyList<ServiceAt> OpenExtensions,
    string? Refusal)
{
    public bool CanClose => Refusal is null;
}

/// <summary>What became of NPPN's close-and-publish-now.</summary>
public abstract record CloseNowOutcome
{
    /// <summary>Published: the version, and what was left out of it (read once every return was locked).</summary>
    public sealed record Published(Manifest Manifest, ClosePreview LeftOut, IReadOnlyList<EndedExtension> Ended) : CloseNowOutcome;

    /// <summary>The year is closed, and another run (the scheduled close) holds it and is publishing it now.</summary>
    public sealed record BeingPublished(ClosePreview LeftOut, IReadOnlyList<EndedExtension> Ended) : CloseNowOutcome;

    /// <summary>Cannot be done as asked; <see cref="Preview"/> is the year as it stands now, when there is one.</summary>
    public sealed record Refused(string Message, ClosePreview? Preview) : CloseNowOutcome;

    public sealed record Forbidden(string Message) : CloseNowOutcome;

    public sealed record NotFound(string Message) : CloseNowOutcome;
}

/// <summary>
/// NPPN's "close and publish now": a preview of what a close would leave out, then the close itself, which publishes
/// the final set even while extensions run. The extensions it ends are the ones NPPN saw in the preview (any other
/// running by then refuses the close, so nothing is ended that NPPN was not shown); each is recorded in the year with
/// who ended it and when, so no single service can hold a year back and the year says why one was cut short.
/// </summary>
public sealed class CloseNowService(
    ReturnStore returns, CollectionYearStore years, IDefinitionCatalog definitions, ServiceCatalogue catalogue, YearCloser closer, Publisher publisher, TimeProvider clock, ILogger<CloseNowService> log)
{
    /// <summary>The preview of a close now, or null when the year has not been set up.</summary>
    public async Task<ClosePreview?> PreviewAsync(int year, CancellationToken ct = default)
    {
        var found = await years.GetAsync(year, ct);
        return found is null ? null : await PreviewAsync(found.Value.Year, clock.GetUtcNow(), ct);
    }

    private async Task<ClosePreview> PreviewAsync(CollectionYear collection, DateTimeOffset now, CancellationToken ct)
    {
        var stored = returns.ListYearAsync(collection.Year, ct);
        var definition = await definitions.FindAsync(collection.Year, ct);
        var list = await stored;
        string Name(int id) => catalogue.NameOf(id);
        // As the close counts them: a return submitted (and not reopened since) with every answer its definition requires.
        var returned = list.Where(r => r.IsReturned).ToList();
        var counting = returned.Where(r => definition?.CountsAsSubmitted(r.Values) ?? true).ToList();
        var drafts = list.Where(r => !r.IsReturned).OrderBy(r => r.ServiceId).Select(r => new ServiceAt(r.ServiceId, Name(r.ServiceId), r.UpdatedAt)).ToList();
        var notCounting = returned.Except(counting).OrderBy(r => r.ServiceId).Select(r => new ServiceAt(r.ServiceId, Name(r.ServiceId), r.SubmittedAt)).ToList();
        var started = list.Select(r => r.ServiceId).ToHashSet();
        // Of the year's services as NPPN opened it (150 in 2013, the denominator of Tables A and B), not of the register,
        // which lists every service that existed that year under its id (152 in 2013: councils merge and split).
        var notStarted = Math.Max(0, collection.NationalServiceCount - started.Count);
        var extensions = collection.OpenExtensionsAt(now).Select(kv => new ServiceAt(kv.Key, Name(kv.Key), kv.Value)).ToList();
        return new ClosePreview(collection.Year, collection.StateAt(now), collection.Closes, counting.Count, drafts, notCounting, notStarted, extensions,
            Refusal(collection, now));
    }

    private static string? Refusal(CollectionYear collection, DateTimeOffset now) =>
        collection.PublishedAt is not null
            ? $"The {collection.Year} figures are published already (version {collection.PublishedVersion}); publish a new version from the national figures instead."
            : now < collection.Opens
                ? $"The {collection.Year} collection has not opened yet (it opens {collection.Opens:d MMMM yyyy}); there is nothing to close."
                : null;

    /// <summary>
    /// Closes the year now (its closing date moves to now if it is later), ends the extensions still running, which must
    /// be exactly <paramref name="extensionsToEnd"/> (those NPPN confirmed), then locks, recomputes and publishes the
    /// final set.
    /// </summary>
    public async Task<CloseNowOutcome> CloseAndPublishAsync(Actor actor, int year, IReadOnlyCollection<int> extensionsToEnd, CancellationToken ct = default)
    {
        if (!actor.IsNppn) return new CloseNowOutcome.Forbidden("Only NPPN can close a collection and publish it.");
        IReadOnlyList<EndedExtension> ended;
        for (var attempt = 0; ; attempt++)
        {
            var found = await years.GetAsync(year, ct);
            if (found is null) return new CloseNowOutcome.NotFound($"The {year} collection has not been set up.");
            var (collection, etag) = found.Value;
            var now = clock.GetUtcNow();
            if (Refusal(collection, now) is { } refusal) return new CloseNowOutcome.Refused(refusal, await PreviewAsync(collection, now, ct));
            var open = collection.OpenExtensionsAt(now);
            var expected = extensionsToEnd.ToHashSet();
            if (!expected.SetEquals(open.Select(kv => kv.Key)))
            {
                var preview = await PreviewAsync(collection, now, ct);
                return new CloseNowOutcome.Refused(
                    preview.OpenExtensions.Count == 0
                        ? $"No extension is running for {year} any more; look at the close again and confirm what it leaves out now."
                        : $"The extensions running for {year} are not the ones confirmed: now {string.Join(", ", preview.OpenExtensions.Select(e => $"{e.Name} (service {e.ServiceId}) until {e.At:d MMMM yyyy HH:mm}"))}. Look at the close again and confirm them.",
                    preview);
            }
            ended = open.Select(kv => new EndedExtension(kv.Key, kv.Value, now, actor.Id)).ToList();
            var closing = collection with
            {
                Closes = collection.Closes < now ? collection.Closes : now,
                Extensions = collection.Extensions.Where(kv => !expected.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value),
                EndedExtensions = [.. collection.EndedExtensions, .. ended],
            };
            try
            {
                await years.SaveAsync(closing, etag, ct);
                break;
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                // The year changed in between (a date moved, an extension granted): read it again and check once more.
            }
        }
        foreach (var e in ended)
        {
            log.LogInformation("Close of {Year} by {Actor} ended service {ServiceId}'s extension (it ran until {Until})", year, actor.Id, e.ServiceId, e.Until);
        }
        var outcome = await closer.CloseAndPublishAsync(year, ct);
        // Every return is locked from the write above on (the closing date has passed and no extension runs): what is
        // read now is what the close read.
        var leftOut = (await PreviewAsync(year, ct))!;
        var manifest = outcome.Manifest;
        if (outcome.Result != CloseOutcome.Published && (await years.GetAsync(year, ct))?.Year is { PublishedVersion: { } version })
        {
            // Another run (the scheduled close) took the year between this write and the close, and has published it.
            manifest = await publisher.VersionAsync(year, version, ct);
        }
        if (manifest is not null)
        {
            log.LogInformation("{Actor} closed and published {Year}: version {Version}, {Returns} returns, {Drafts} drafts left out",
                actor.Id, year, manifest.Version, manifest.Returns, leftOut.DraftsLeftOut.Count);
            return new CloseNowOutcome.Published(manifest, leftOut, ended);
        }
        return new CloseNowOutcome.BeingPublished(leftOut, ended);
    }
}
