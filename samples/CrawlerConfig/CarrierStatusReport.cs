namespace CrawlerConfig;

/// <summary>
/// The status line of the admin screen: how many crawlers run. Registered as a singleton, it keeps the one
/// <see cref="CarrierConfigStore"/> (and its DbContext) it was built with for the life of the process: the
/// captive dependency SSA006 reports at its registration in <see cref="CrawlerApp"/>.
/// </summary>
public sealed class CarrierStatusReport
{
    private readonly CarrierConfigStore _store;

    public CarrierStatusReport(CarrierConfigStore store)
    {
        _store = store;
    }

    public async Task<string> DescribeAsync()
    {
        var enabled = await _store.CountEnabledAsync();
        return $"{enabled} crawlers enabled";
    }
}
