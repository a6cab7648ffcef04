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
