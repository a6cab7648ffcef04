using Microsoft.EntityFrameworkCore;

namespace CrawlerConfig;

/// <summary>Reads the config table for one request: scoped, like the <see cref="ConfigDbContext"/> it reads through.</summary>
public sealed class CarrierConfigStore
{
    private readonly ConfigDbContext _db;

    public CarrierConfigStore(ConfigDbContext db)
    {
        _db = db;
    }

    public Task<int> CountEnabledAsync() => _db.Carriers.CountAsync(c => c.Enabled);
}
