namespace SharedStateAnalyzers.Benchmarks;

/// <summary>The command line: what to compile, how often, and what to print.</summary>
internal sealed class BenchmarkOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/SharedStateAnalyzers.Benchmarks -- [options]

          --source <dir>        compile every .cs file under <dir> (bin/ and obj/ skipped) instead of generated code
          --generate <files>    number of generated files when no --source is given (default 1000)
          --iterations <n>      measured runs after one warm-up run; medians are reported (default 5);
                                0 runs only the warm-up, to list diagnostics
          --no-implicit-usings  with --source: do not add the ASP.NET Core SDK's implicit global usings, nor the
                                <Using Include="…" /> items of the code base's project files
          --references <dir>    with --source: also compile against every .dll under <dir> (a code base's NuGet packages)
          --no-sdk-analyzers    measure on top of a no-op analyzer instead of the SDK's default analyzers
          --show-diagnostics    print every diagnostic the rules report (file:line: id: message)
        """;

    public string? SourceDirectory { get; private set; }

    public int GeneratedFiles { get; private set; } = 1000;

    public int Iterations { get; private set; } = 5;

    public bool ImplicitUsings { get; private set; } = true;

    public string? ReferenceDirectory { get; private set; }

    public bool ShowDiagnostics { get; private set; }

    public bool SdkAnalyzers { get; private set; } = true;

    public static BenchmarkOptions? Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--source" when i + 1 < args.Length:
                    options.SourceDirectory = args[++i];
                    if (!Directory.Exists(options.SourceDirectory))
                    {
                        Console.Error.WriteLine($"No such directory: {options.SourceDirectory}");
                        return null;
                    }

                    break;
                case "--generate" when i + 1 < args.Length && int.TryParse(args[i + 1], out var files) && files > 0:
                    options.GeneratedFiles = files;
                    i++;
                    break;
                case "--iterations" when i + 1 < args.Length && int.TryParse(args[i + 1], out var iterations) && iterations >= 0:
                    options.Iterations = iterations;
                    i++;
                    break;
                case "--references" when i + 1 < args.Length:
                    options.ReferenceDirectory = args[++i];
                    if (!Directory.Exists(options.ReferenceDirectory))
                    {
                        Console.Error.WriteLine($"No such directory: {options.ReferenceDirectory}");
                        return null;
                    }

                    break;
                case "--no-implicit-usings":
                    options.ImplicitUsings = false;
                    break;
                case "--no-sdk-analyzers":
                    options.SdkAnalyzers = false;
                    break;
                case "--show-diagnostics":
                    options.ShowDiagnostics = true;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete option: {args[i]}");
                    return null;
            }
        }

        return options;
    }
}
