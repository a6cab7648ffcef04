using System.Net.Http.Json;
using CrawlerConfig;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CrawlerConfig.Tests;

/// <summary>
/// Runs the sample on real Kestrel and shows the bug SSA001 reports: the config table says a
/// crawler is disabled, the cached getter still says it is enabled.
/// </summary>
/// <remarks>
/// <see cref="ConfigGetter"/> keeps its cache in a static field, so every app started in this test
/// process shares it (that is the bug). Nothing can reset it from outside, so each test uses its own
/// carrier code, and all tests live in this one class (xunit runs a class's tests one after another).
/// </remarks>
public sealed class StaleConfigTests
{
    [Fact]
    public async Task Cached_getter_keeps_serving_a_config_the_table_no_longer_has()
    {
        await using var running = await RunningApp.StartAsync();

        var before = await running.Client.GetFromJsonAsync<CarrierConfig>("/crawlers/MAEU");
        Assert.NotNull(before);
        Assert.Equal("MAEU", before.ScacCode);
        Assert.True(before.Enabled);

        var put = await running.Client.PutAsync("/crawlers/MAEU?enabled=false", content: null);
        put.EnsureSuccessStatusCode();
        var updated = await put.Content.ReadFromJsonAsync<CarrierConfig>();
        Assert.NotNull(updated);
        Assert.False(updated.Enabled);

        // Through the process-wide cache: stale.
        var after = await running.Client.GetFromJsonAsync<CarrierConfig>("/crawlers/MAEU");
        Assert.NotNull(after);
        Assert.True(after.Enabled);

        // Straight from the table: the update is there.
        var table = await running.Client.GetFromJsonAsync<List<CarrierConfig>>("/crawlers");
        Assert.NotNull(table);
        Assert.False(Assert.Single(table, c => c.ScacCode == "MAEU").Enabled);
    }

    [Fact]
    public async Task Table_lists_the_seeded_carriers()
    {
        await using var running = await RunningApp.StartAsync();

        var table = await running.Client.GetFromJsonAsync<List<CarrierConfig>>("/crawlers");

        Assert.NotNull(table);
        Assert.Equal(new[] { "CMDU", "HLCU", "MAEU", "MSCU" }, table.Select(c => c.ScacCode));
        Assert.False(Assert.Single(table, c => c.ScacCode == "MSCU").Enabled);
    }

    private sealed class RunningApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _databaseFolder;

        private RunningApp(WebApplication app, string databaseFolder, HttpClient client)
        {
            _app = app;
            _databaseFolder = databaseFolder;
            Client = client;
        }

        public HttpClient Client { get; }

        public static async Task<RunningApp> StartAsync()
        {
            var databaseFolder = Path.Combine(Path.GetTempPath(), "crawler-config-tests", Guid.NewGuid().ToString("N"));
            var app = CrawlerApp.Build(["--environment", "Development"], databaseFolder);
            app.Urls.Clear();
            app.Urls.Add("http://127.0.0.1:0");
            await app.StartAsync();

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            return new RunningApp(app, databaseFolder, client);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_databaseFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
