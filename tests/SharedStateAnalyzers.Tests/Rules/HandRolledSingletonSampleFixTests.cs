using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Rules;

/// <summary>
/// SSA004's fix on copies of the sample app's sources (samples/CrawlerConfig): ConfigGetter, set up by
/// <c>ConfigGetter.Configure(app.Configuration)</c> and read by a minimal API handler, becomes a registered singleton
/// the handler takes as a parameter. The end-to-end test applies the same fix with <c>dotnet format</c> to the sample itself.
/// </summary>
public sealed class HandRolledSingletonSampleFixTests
{
    /// <summary>The web SDK's implicit usings, which the sample relies on.</summary>
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        """;

    /// <summary>Stands in for Microsoft.EntityFrameworkCore.Sqlite, which the tests do not reference.</summary>
    private const string Sqlite = """
        namespace Microsoft.EntityFrameworkCore;

        public static class SqliteStub
        {
            public static DbContextOptionsBuilder UseSqlite(this DbContextOptionsBuilder builder, string connectionString) => builder;

            public static DbContextOptionsBuilder<TContext> UseSqlite<TContext>(this DbContextOptionsBuilder<TContext> builder, string connectionString)
                where TContext : DbContext
                => builder;
        }
        """;

    private const string CarrierConfig = """
        using System.ComponentModel.DataAnnotations;

        namespace CrawlerConfig;

        /// <summary>One row of the config table: whether the crawler of a carrier (by SCAC code) runs.</summary>
        public sealed class CarrierConfig
        {
            [Key]
            [MaxLength(4)]
            public string ScacCode { get; set; } = "";

            public bool Enabled { get; set; }

            public DateTime UpdatedAt { get; set; }
        }
        """;

    private const string ConfigDbContext = """
        using Microsoft.EntityFrameworkCore;

        namespace CrawlerConfig;

        public sealed class ConfigDbContext : DbContext
        {
            public ConfigDbContext(DbContextOptions<ConfigDbContext> options)
                : base(options)
            {
            }

            public DbSet<CarrierConfig> Carriers => Set<CarrierConfig>();

            public static DbContextOptions<ConfigDbContext> CreateOptions(string connectionString)
                => new DbContextOptionsBuilder<ConfigDbContext>().UseSqlite(connectionString).Options;

            /// <summary>Creates the table and the initial rows if the database is new.</summary>
            public static void EnsureSeeded(string connectionString)
            {
                using var db = new ConfigDbContext(CreateOptions(connectionString));
                if (!db.Database.EnsureCreated())
                {
                    return;
                }

                var now = DateTime.UtcNow;
                db.Carriers.AddRange(
                    new CarrierConfig { ScacCode = "MAEU", Enabled = true, UpdatedAt = now },
                    new CarrierConfig { ScacCode = "CMDU", Enabled = true, UpdatedAt = now },
                    new CarrierConfig { ScacCode = "HLCU", Enabled = true, UpdatedAt = now },
                    new CarrierConfig { ScacCode = "MSCU", Enabled = false, UpdatedAt = now });
                db.SaveChanges();
            }
        }
        """;

    private const string ConfigGetter = """
        using Microsoft.EntityFrameworkCore;

        namespace CrawlerConfig;

        /// <summary>
        /// Reads a carrier's crawler config, "cached for performance" in a process-wide dictionary.
        /// This is the bug the sample exists to show (SSA001): an update to the config table never
        /// reaches this cache, every other process keeps its own copy, and it is never emptied.
        /// </summary>
        public sealed class ConfigGetter
        {
            private static readonly Dictionary<string, CarrierConfig> _configCache = new();

            private static ConfigGetter? _instance;

            private readonly string _connectionString;

            private ConfigGetter(IConfiguration configuration)
            {
                _connectionString = configuration.GetConnectionString("CrawlerConfig")
                    ?? throw new InvalidOperationException("No connection string 'CrawlerConfig' in the configuration.");
            }

            public static ConfigGetter [|Instance|]
                => _instance ?? throw new InvalidOperationException("Call ConfigGetter.Configure at startup first.");

            /// <summary>Called once at startup with the app's configuration, which holds the config database's connection string.</summary>
            public static void Configure(IConfiguration configuration)
            {
                _instance = new ConfigGetter(configuration);
            }

            public CarrierConfig GetConfig(string scacCode)
            {
                if (!_configCache.ContainsKey(scacCode))
                {
                    var config = PrepareConfig(scacCode);
                    _configCache[scacCode] = config;
                }

                return _configCache[scacCode];
            }

            private CarrierConfig PrepareConfig(string scacCode)
            {
                using var db = new ConfigDbContext(ConfigDbContext.CreateOptions(_connectionString));
                return db.Carriers.AsNoTracking().SingleOrDefault(c => c.ScacCode == scacCode)
                    ?? new CarrierConfig { ScacCode = scacCode, Enabled = false, UpdatedAt = DateTime.MinValue };
            }
        }
        """;

    private const string CrawlerApp = """
        using Microsoft.EntityFrameworkCore;

        namespace CrawlerConfig;

        /// <summary>Builds the web app; Program.cs runs it, the tests host it on a free port.</summary>
        public static class CrawlerApp
        {
            public static WebApplication Build(string[] args, string databaseFolder)
            {
                Directory.CreateDirectory(databaseFolder);
                var connectionString = $"Data Source={Path.Combine(databaseFolder, "crawler-config.db")}";

                var builder = WebApplication.CreateBuilder(args);
                builder.Configuration["ConnectionStrings:CrawlerConfig"] = connectionString;
                builder.Services.AddDbContext<ConfigDbContext>(options => options.UseSqlite(connectionString));

                var app = builder.Build();

                ConfigDbContext.EnsureSeeded(connectionString);
                ConfigGetter.Configure(app.Configuration);

                // What the crawlers ask before they run: goes through the cached getter.
                app.MapGet("/crawlers/{scac}", (string scac) => Results.Ok(ConfigGetter.Instance.GetConfig(scac.ToUpperInvariant())));

                // What the admin screen does: updates the table, straight through EF Core.
                app.MapPut("/crawlers/{scac}", async (string scac, bool enabled, ConfigDbContext db) =>
                {
                    var row = await db.Carriers.FindAsync(scac.ToUpperInvariant());
                    if (row is null)
                    {
                        return Results.NotFound();
                    }

                    row.Enabled = enabled;
                    row.UpdatedAt = DateTime.UtcNow;
                    await db.SaveChangesAsync();
                    return Results.Ok(row);
                });

                // The table as it is now.
                app.MapGet("/crawlers", async (ConfigDbContext db) =>
                    Results.Ok(await db.Carriers.AsNoTracking().OrderBy(c => c.ScacCode).ToListAsync()));

                return app;
            }
        }
        """;

    [Fact]
    public async Task ConfigGetter_BecomesARegisteredSingleton_InjectedIntoTheHandler()
    {
        await AnalyzerTest.Create<HandRolledSingletonAnalyzer>()
            .WithCodeFix<HandRolledSingletonFixer>()
            .WithReferences(References.AspNetCore | References.DependencyInjection | References.EntityFrameworkCore)
            .WithSource("GlobalUsings.cs", GlobalUsings)
            .WithSource("SqliteStub.cs", Sqlite)
            .WithSource("CarrierConfig.cs", CarrierConfig)
            .WithSource("ConfigDbContext.cs", ConfigDbContext)
            .WithSource("ConfigGetter.cs", ConfigGetter)
            .WithSource("CrawlerApp.cs", CrawlerApp)
            .ShouldFixCodeWith("ConfigGetter.cs", """
                using Microsoft.EntityFrameworkCore;

                namespace CrawlerConfig;

                /// <summary>
                /// Reads a carrier's crawler config, "cached for performance" in a process-wide dictionary.
                /// This is the bug the sample exists to show (SSA001): an update to the config table never
                /// reaches this cache, every other process keeps its own copy, and it is never emptied.
                /// </summary>
                public sealed class ConfigGetter
                {
                    private static readonly Dictionary<string, CarrierConfig> _configCache = new();

                    private readonly string _connectionString;

                    public ConfigGetter(IConfiguration configuration)
                    {
                        _connectionString = configuration.GetConnectionString("CrawlerConfig")
                            ?? throw new InvalidOperationException("No connection string 'CrawlerConfig' in the configuration.");
                    }

                    public CarrierConfig GetConfig(string scacCode)
                    {
                        if (!_configCache.ContainsKey(scacCode))
                        {
                            var config = PrepareConfig(scacCode);
                            _configCache[scacCode] = config;
                        }

                        return _configCache[scacCode];
                    }

                    private CarrierConfig PrepareConfig(string scacCode)
                    {
                        using var db = new ConfigDbContext(ConfigDbContext.CreateOptions(_connectionString));
                        return db.Carriers.AsNoTracking().SingleOrDefault(c => c.ScacCode == scacCode)
                            ?? new CarrierConfig { ScacCode = scacCode, Enabled = false, UpdatedAt = DateTime.MinValue };
                    }
                }
                """)
            .ShouldFixCodeWith("CrawlerApp.cs", """
                using Microsoft.EntityFrameworkCore;

                namespace CrawlerConfig;

                /// <summary>Builds the web app; Program.cs runs it, the tests host it on a free port.</summary>
                public static class CrawlerApp
                {
                    public static WebApplication Build(string[] args, string databaseFolder)
                    {
                        Directory.CreateDirectory(databaseFolder);
                        var connectionString = $"Data Source={Path.Combine(databaseFolder, "crawler-config.db")}";

                        var builder = WebApplication.CreateBuilder(args);
                        builder.Configuration["ConnectionStrings:CrawlerConfig"] = connectionString;
                        builder.Services.AddDbContext<ConfigDbContext>(options => options.UseSqlite(connectionString));
                        builder.Services.AddSingleton<ConfigGetter>();

                        var app = builder.Build();

                        ConfigDbContext.EnsureSeeded(connectionString);

                        // What the crawlers ask before they run: goes through the cached getter.
                        app.MapGet("/crawlers/{scac}", (string scac, ConfigGetter configGetter) => Results.Ok(configGetter.GetConfig(scac.ToUpperInvariant())));

                        // What the admin screen does: updates the table, straight through EF Core.
                        app.MapPut("/crawlers/{scac}", async (string scac, bool enabled, ConfigDbContext db) =>
                        {
                            var row = await db.Carriers.FindAsync(scac.ToUpperInvariant());
                            if (row is null)
                            {
                                return Results.NotFound();
                            }

                            row.Enabled = enabled;
                            row.UpdatedAt = DateTime.UtcNow;
                            await db.SaveChangesAsync();
                            return Results.Ok(row);
                        });

                        // The table as it is now.
                        app.MapGet("/crawlers", async (ConfigDbContext db) =>
                            Results.Ok(await db.Carriers.AsNoTracking().OrderBy(c => c.ScacCode).ToListAsync()));

                        return app;
                    }
                }
                """)
            .ValidateAsync();
    }
}
