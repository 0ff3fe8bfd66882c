using Azure;
using Azure.Data.Tables;
using Pps.Tests.Support;

namespace Pps.Tests.Core;

/// <summary>
/// What docs/storage.md says of Azurite's batches, checked against the pinned Azurite (tools/azurite): a stale
/// If-Match inside an entity group transaction fails the whole batch, and nothing of it is written.
/// </summary>
public class AzuriteBatchTests
{
    [Fact]
    public async Task A_stale_if_match_inside_a_batch_fails_the_whole_batch()
    {
        var storage = await Azurite.NewStorageAsync();
        var table = storage.Returns;
        var added = await table.AddEntityAsync(new TableEntity("p", "a") { ["V"] = 1 });
        await table.UpdateEntityAsync(new TableEntity("p", "a") { ["V"] = 2 }, added.Headers.ETag!.Value, TableUpdateMode.Replace);

        TableTransactionAction[] batch =
        [
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "a") { ["V"] = 3 }, added.Headers.ETag!.Value),
            new(TableTransactionActionType.Add, new TableEntity("p", "b") { ["V"] = 1 }),
        ];
        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(batch));

        Assert.Equal(412, failure.Status);
        Assert.Equal(2, (await table.GetEntityAsync<TableEntity>("p", "a")).Value.GetInt32("V"));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "b")).HasValue);
    }
}
