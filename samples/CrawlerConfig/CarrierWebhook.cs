namespace CrawlerConfig;

/// <summary>Tells the crawler fleet that a carrier's config changed, when a webhook is configured.</summary>
public static class CarrierWebhook
{
    private static readonly HttpClient s_client = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static SemaphoreSlim? s_sendGate;

    // Built on first use (SSA009): two admins who change carriers at the same moment can each build a gate, and each
    // then waits on its own: the notifications the gate should send one at a time go out together.
    private static SemaphoreSlim SendGate => s_sendGate ??= new SemaphoreSlim(1, 1);

    public static async Task NotifyAsync(string? webhookUrl, string scacCode)
    {
        if (string.IsNullOrEmpty(webhookUrl))
        {
            return;
        }

        await SendGate.WaitAsync();
        try
        {
            using var response = await s_client.PostAsync($"{webhookUrl}?scac={Uri.EscapeDataString(scacCode)}", content: null);
        }
        catch (HttpRequestException)
        {
            // The fleet also polls the table: a missed notification only delays the change.
        }
        finally
        {
            SendGate.Release();
        }
    }
}
