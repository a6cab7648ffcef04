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
        builder.Services.AddScoped<CarrierConfigStore>();
        builder.Services.AddSingleton(sp => new CarrierStatusReport(sp.GetRequiredService<CarrierConfigStore>()));

        var app = builder.Build();

        ConfigDbContext.EnsureSeeded(connectionString);
        ConfigGetter.Configure(app.Configuration);
        app.UseMiddleware<CarrierAuditMiddleware>();

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
            await CarrierWebhook.NotifyAsync(app.Configuration["Crawlers:Webhook"], row.ScacCode);
            return Results.Ok(row);
        });

        // The table as it is now.
        app.MapGet("/crawlers", async (ConfigDbContext db) =>
            Results.Ok(await db.Carriers.AsNoTracking().OrderBy(c => c.ScacCode).ToListAsync()));

        return app;
    }
}
