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

    public static ConfigGetter Instance
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
