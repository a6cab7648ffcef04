using System.Diagnostics;

namespace CrawlerConfig;

/// <summary>
/// Logs, once each request is done, which carrier's config it asked for and how long it took. A conventional
/// middleware is built once and serves every request: the carrier code kept in a field between the write and the
/// log line is overwritten by any request that arrives meanwhile, so the log names the wrong carrier (SSA005).
/// </summary>
public sealed class CarrierAuditMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<CarrierAuditMiddleware> _logger;

    // The carrier the current request asked for.
    private string? _carrier;

    public CarrierAuditMiddleware(RequestDelegate next, ILogger<CarrierAuditMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        _carrier = CarrierFromPath(context.Request.Path);
        var watch = Stopwatch.StartNew();
        await _next(context);
        if (_carrier is not null)
        {
            _logger.LogInformation("Carrier {Carrier}: {Status} in {Elapsed} ms", _carrier, context.Response.StatusCode, watch.ElapsedMilliseconds);
        }
    }

    /// <summary>The SCAC code of <c>/crawlers/{scac}</c>, or null for other paths.</summary>
    private static string? CarrierFromPath(PathString path)
    {
        var segments = (path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 2 && segments[0] == "crawlers" ? segments[1].ToUpperInvariant() : null;
    }
}
