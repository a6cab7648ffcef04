namespace SharedStateAnalyzers.Benchmarks;

/// <summary>
/// Generated web-application code of the kinds the rules look at, in realistic proportions: most files are ordinary
/// models, services and controllers; some hold static lookup tables, reflection caches, locked registries,
/// middleware, and a few the memo caches, unguarded collections and thread-static state the rules report.
/// </summary>
internal static class SyntheticSource
{
    public static string File(int index) => (index % 10) switch
    {
        0 => CachingService(index),
        1 or 2 => Controller(index),
        3 or 4 => Model(index),
        5 => LookupTables(index),
        6 => ReflectionCache(index),
        7 => Middleware(index),
        8 => Repository(index),
        _ => Registry(index),
    };

    private static string Header(int index) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Reflection;
        using System.Text;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Logging;

        namespace Generated.Area{{index / 100}};

        """;

    private static string Model(int index) => Header(index) + $$"""
        public sealed class Order{{index}}
        {
            public int Id { get; set; }
            public string Customer { get; set; } = "";
            public DateTimeOffset PlacedAt { get; set; }
            public List<OrderLine{{index}}> Lines { get; } = new();
            public decimal Total => Lines.Sum(line => line.Price * line.Quantity);

            public Order{{index}} WithLine(string sku, int quantity, decimal price)
            {
                Lines.Add(new OrderLine{{index}}(sku, quantity, price));
                return this;
            }

            public IEnumerable<string> Describe()
            {
                foreach (var group in Lines.GroupBy(line => line.Sku).OrderBy(group => group.Key))
                {
                    var quantity = group.Sum(line => line.Quantity);
                    yield return $"{group.Key}: {quantity} x {group.First().Price:N2}";
                }
            }
        }

        public sealed record OrderLine{{index}}(string Sku, int Quantity, decimal Price);

        public static class OrderValidation{{index}}
        {
            public static IReadOnlyList<string> Validate(Order{{index}} order)
            {
                var errors = new List<string>();
                if (string.IsNullOrWhiteSpace(order.Customer))
                {
                    errors.Add("customer is required");
                }

                for (var i = 0; i < order.Lines.Count; i++)
                {
                    var line = order.Lines[i];
                    if (line.Quantity <= 0)
                    {
                        errors.Add($"line {i}: quantity must be positive");
                    }

                    if (line.Price < 0)
                    {
                        errors.Add($"line {i}: price must not be negative");
                    }
                }

                return errors;
            }
        }
        """;

    private static string Controller(int index) => Header(index) + $$"""
        public interface IOrderStore{{index}}
        {
            Task<Order{{index - index % 10 + 3}}?> FindAsync(int id, CancellationToken cancellationToken);
            Task SaveAsync(Order{{index - index % 10 + 3}} order, CancellationToken cancellationToken);
        }

        [ApiController]
        [Route("api/orders{{index}}")]
        public sealed class OrdersController{{index}} : ControllerBase
        {
            private readonly IOrderStore{{index}} _store;
            private readonly ILogger<OrdersController{{index}}> _logger;

            public OrdersController{{index}}(IOrderStore{{index}} store, ILogger<OrdersController{{index}}> logger)
            {
                _store = store;
                _logger = logger;
            }

            [HttpGet("{id:int}")]
            public async Task<IActionResult> Get(int id, CancellationToken cancellationToken)
            {
                var order = await _store.FindAsync(id, cancellationToken);
                if (order is null)
                {
                    _logger.LogInformation("Order {Id} not found for {User}", id, User.Identity?.Name);
                    return NotFound();
                }

                return Ok(new { order.Id, order.Customer, order.Total, Lines = order.Describe().ToArray() });
            }

            [HttpPost]
            public async Task<IActionResult> Create([FromBody] Order{{index - index % 10 + 3}} order, CancellationToken cancellationToken)
            {
                var errors = OrderValidation{{index - index % 10 + 3}}.Validate(order);
                if (errors.Count > 0)
                {
                    return BadRequest(errors);
                }

                order.PlacedAt = DateTimeOffset.UtcNow;
                await _store.SaveAsync(order, cancellationToken);
                return CreatedAtAction(nameof(Get), new { id = order.Id }, order);
            }
        }
        """;

    private static string CachingService(int index) => Header(index) + $$"""
        public sealed class TenantSettings{{index}}
        {
            private static readonly Dictionary<string, string> s_settings = new();
            private readonly IConfiguration _configuration;

            public TenantSettings{{index}}(IConfiguration configuration)
            {
                _configuration = configuration;
            }

            public string Get(string tenant)
            {
                if (!s_settings.TryGetValue(tenant, out var value))
                {
                    value = _configuration[$"Tenants:{tenant}:Theme"] ?? "default";
                    s_settings[tenant] = value;
                }

                return value;
            }
        }

        public sealed class TemplateCache{{index}}
        {
            private readonly ConcurrentDictionary<string, string> _rendered = new();
            private readonly string _folder;

            public TemplateCache{{index}}(string folder)
            {
                _folder = folder;
            }

            public string Render(string name, IReadOnlyDictionary<string, string> values)
            {
                var template = _rendered.GetOrAdd(name, n => System.IO.File.ReadAllText(Path.Combine(_folder, n + ".html")));
                var builder = new StringBuilder(template);
                foreach (var pair in values)
                {
                    builder.Replace("{{" + pair.Key + "}}", pair.Value);
                }

                return builder.ToString();
            }
        }
        """;

    private static string LookupTables(int index) => Header(index) + $$"""
        public static class Codes{{index}}
        {
            private static readonly Dictionary<string, int> s_byName = new(StringComparer.OrdinalIgnoreCase)
            {
                ["alpha"] = 1, ["beta"] = 2, ["gamma"] = 3, ["delta"] = 4,
            };

            private static readonly Dictionary<int, string> s_byCode;
            private static readonly HashSet<string> s_reserved = new() { "admin", "root", "system" };

            static Codes{{index}}()
            {
                s_byCode = new Dictionary<int, string>();
                foreach (var pair in s_byName)
                {
                    s_byCode[pair.Value] = pair.Key;
                }
            }

            public static int Code(string name) => s_byName.TryGetValue(name, out var code) ? code : -1;

            public static string Name(int code) => s_byCode.TryGetValue(code, out var name) ? name : "unknown";

            public static bool IsReserved(string name) => s_reserved.Contains(name);
        }
        """;

    private static string ReflectionCache(int index) => Header(index) + $$"""
        public static class PropertyMap{{index}}
        {
            private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

            public static IReadOnlyList<PropertyInfo> For(Type type)
                => s_properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name).ToArray());

            public static Dictionary<string, object?> ToDictionary(object value)
            {
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in For(value.GetType()))
                {
                    result[property.Name] = property.GetValue(value);
                }

                return result;
            }
        }
        """;

    private static string Middleware(int index) => Header(index) + $$"""
        public sealed class TimingMiddleware{{index}}
        {
            private readonly RequestDelegate _next;
            private readonly ILogger<TimingMiddleware{{index}}> _logger;
            private readonly Dictionary<string, string> _headers;

            public TimingMiddleware{{index}}(RequestDelegate next, ILogger<TimingMiddleware{{index}}> logger)
            {
                _next = next;
                _logger = logger;
                _headers = new Dictionary<string, string> { ["X-Served-By"] = "node-{{index}}" };
            }

            public async Task InvokeAsync(HttpContext context)
            {
                var started = DateTimeOffset.UtcNow;
                foreach (var header in _headers)
                {
                    context.Response.Headers[header.Key] = header.Value;
                }

                await _next(context);
                _logger.LogDebug("{Path} took {Elapsed}", context.Request.Path, DateTimeOffset.UtcNow - started);
            }
        }
        """;

    private static string Repository(int index) => Header(index) + $$"""
        public sealed class CustomerRepository{{index}}
        {
            private static readonly HttpClient s_client = new();
            private readonly Dictionary<int, string> _names = new();

            public async Task<string> NameAsync(int id, CancellationToken cancellationToken)
            {
                if (_names.TryGetValue(id, out var name))
                {
                    return name;
                }

                name = await s_client.GetStringAsync($"https://customers.example/{id}", cancellationToken);
                _names[id] = name;
                return name;
            }

            public async Task<IReadOnlyList<string>> NamesAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
            {
                var names = new List<string>();
                foreach (var id in ids.Distinct())
                {
                    names.Add(await NameAsync(id, cancellationToken));
                }

                return names;
            }
        }
        """;

    private static string Registry(int index) => Header(index) + $$"""
        public sealed class HandlerRegistry{{index}}
        {
            private static readonly object s_gate = new();
            private static readonly List<Func<string, bool>> s_handlers = new();
            private static int s_instances;
            private readonly int _id;

            public HandlerRegistry{{index}}()
            {
                _id = Interlocked.Increment(ref s_instances);
            }

            public static void Register(Func<string, bool> handler)
            {
                lock (s_gate)
                {
                    s_handlers.Add(handler);
                }
            }

            public bool Dispatch(string message)
            {
                Func<string, bool>[] handlers;
                lock (s_gate)
                {
                    handlers = s_handlers.ToArray();
                }

                return handlers.Any(handler => handler($"{_id}:{message}"));
            }
        }
        """;
}
