using SharedStateAnalyzers.CodeFixes;
using SharedStateAnalyzers.Rules;
using SharedStateAnalyzers.Tests.Verification;

namespace SharedStateAnalyzers.Tests.Behaviour;

/// <summary>
/// The second seed's scenario, run for real: a pattern remixer renders each sample of a song with its own pattern and
/// keeps the renders in a cache that looks like its own but is static. Remix a song, reset the cache, remix another
/// song with another remixer, then remix the first song again with a remixer like the first: the result must be the
/// same as the first time. Unfixed, the second remixer's renders leak into the third remix; the fix's exact output
/// (taken from the verifier) is compiled and passes.
/// </summary>
public sealed class InstanceMutatesStaticBehaviourTests
{
    private const string Seed = """
        using System.Collections.Generic;
        using System.Text;

        namespace Studio;

        public class PatternRemixer
        {
            private static Dictionary<string, string> _samplecache = new();
            private readonly string _pattern;

            public PatternRemixer(string pattern)
            {
                _pattern = pattern;
            }

            public string Remix(string[] song)
            {
                var output = new StringBuilder();
                foreach (var key in song)
                {
                    if (!_samplecache.ContainsKey(key))
                    {
                        [|_samplecache[key]|] = RenderAudio(key);
                    }

                    output.Append(_samplecache[key]);
                }

                return output.ToString();
            }

            public void ResetCache() => [|_samplecache|] = new();

            private string RenderAudio(string key) => "[" + key + " in " + _pattern + "]";
        }
        """;

    private const string PerInstance = """
        using System.Collections.Generic;
        using System.Text;

        namespace Studio;

        public class PatternRemixer
        {
            private Dictionary<string, string> _samplecache = new();
            private readonly string _pattern;

            public PatternRemixer(string pattern)
            {
                _pattern = pattern;
            }

            public string Remix(string[] song)
            {
                var output = new StringBuilder();
                foreach (var key in song)
                {
                    if (!_samplecache.ContainsKey(key))
                    {
                        _samplecache[key] = RenderAudio(key);
                    }

                    output.Append(_samplecache[key]);
                }

                return output.ToString();
            }

            public void ResetCache() => _samplecache = new();

            private string RenderAudio(string key) => "[" + key + " in " + _pattern + "]";
        }
        """;

    // Both songs use the kick drum; each is remixed with its own pattern.
    private static readonly string[][] Songs = [["kick", "snare", "kick"], ["kick", "hat"]];

    /// <summary>The seed's <c>remix_songs</c>: returns the first song's remix and the same remix done again later.</summary>
    private static (string Song0, string Song1, string Song0Again) RemixSongs(string source)
    {
        var type = TestCompiler.CompileAndLoad([source]).GetType("Studio.PatternRemixer", throwOnError: true)!;
        string Remix(object remixer, string[] song) => (string)type.GetMethod("Remix")!.Invoke(remixer, [song])!;

        var first = Activator.CreateInstance(type, "swing")!;
        var song0 = Remix(first, Songs[0]);

        // Let's reset the cache here.
        type.GetMethod("ResetCache")!.Invoke(first, null);

        var song1 = Remix(Activator.CreateInstance(type, "straight")!, Songs[1]);
        var song0Again = Remix(Activator.CreateInstance(type, "swing")!, Songs[0]);
        return (song0, song1, song0Again);
    }

    private static async Task<string> FixedSourceAsync()
    {
        var result = await AnalyzerTest.Create<InstanceMutatesStaticAnalyzer>()
            .WithCodeFix<InstanceMutatesStaticFixer>()
            .WithCodeFixEquivalenceKey(InstanceMutatesStaticFixer.MakePerInstanceKey)
            .WithSource(Seed)
            .ShouldFixCodeWith(PerInstance)
            .ValidateAsync();
        return result.FixedSources.Single().Value;
    }

    [Fact]
    public void Unfixed_TheFirstSongRemixedAgain_CarriesTheOtherRemixersKick()
    {
        var (song0, song1, song0Again) = RemixSongs(Seed.Replace("[|", "").Replace("|]", ""));

        Assert.Equal("[kick in swing][snare in swing][kick in swing]", song0);
        Assert.Equal("[kick in straight][hat in straight]", song1);
        Assert.NotEqual(song0, song0Again);
        Assert.Equal("[kick in straight][snare in swing][kick in straight]", song0Again);
    }

    [Fact]
    public async Task Fixed_TheFirstSongRemixedAgain_IsTheSame()
    {
        var fixedSource = await FixedSourceAsync();
        Assert.Equal(PerInstance, fixedSource);

        var (song0, song1, song0Again) = RemixSongs(fixedSource);

        Assert.Equal("[kick in swing][snare in swing][kick in swing]", song0);
        Assert.Equal("[kick in straight][hat in straight]", song1);
        Assert.Equal(song0, song0Again);
    }
}
