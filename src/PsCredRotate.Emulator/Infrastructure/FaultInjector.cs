using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsCredRotate.Emulator.Infrastructure;

/// <summary>
/// One fault rule, as written in --faults FILE and under /_emulator/faults:
/// <c>{"match":"POST /api/v2/clients/*/credentials","kind":"status503","probability":0.5,"count":2}</c>.
/// <c>match</c> is a method (or <c>*</c>) and a path whose <c>*</c> segments match any one segment
/// and whose final <c>**</c> matches the rest. Kinds: status500, status503, status429, latency
/// (with <c>latencyMs</c>, then the request goes on), reset (the connection is aborted),
/// commitThenFail (the handler runs and its change is applied, then the response is replaced by a
/// 500, or by an abort when <c>then</c> is "reset"). <c>count</c> stops the rule after that many hits.
/// </summary>
public sealed class FaultRule
{
    public static readonly IReadOnlyList<string> Kinds = new[] { "status500", "status503", "status429", "latency", "reset", "commitThenFail" };

    [JsonPropertyName("match")]
    public string Match { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("probability")]
    public double Probability { get; set; } = 1.0;

    [JsonPropertyName("count")]
    public int? Count { get; set; }

    [JsonPropertyName("latencyMs")]
    public int? LatencyMs { get; set; }

    [JsonPropertyName("then")]
    public string? Then { get; set; }

    /// <summary>How many times the rule has fired (reported by GET; ignored on input).</summary>
    [JsonPropertyName("hits")]
    public int Hits { get; set; }

    internal string Method { get; private set; } = "*";

    internal string[] Segments { get; private set; } = Array.Empty<string>();

    internal bool Exhausted => Count is int n && Hits >= n;

    /// <summary>Checks the rule; returns the reason it is refused, or null when valid.</summary>
    internal string? Validate()
    {
        string[] parts = (Match ?? "").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            return $"'match' must be a method (or *) and a path starting with '/', e.g. \"POST /api/v2/clients/*/credentials\"; got \"{Match}\".";
        }

        if (!Kinds.Contains(Kind))
        {
            return $"'kind' must be one of {string.Join(", ", Kinds)}; got \"{Kind}\".";
        }

        if (double.IsNaN(Probability) || Probability < 0 || Probability > 1)
        {
            return $"'probability' must be between 0 and 1; got {Probability.ToString(CultureInfo.InvariantCulture)}.";
        }

        if (Count is < 1)
        {
            return $"'count' must be at least 1 when given; got {Count}.";
        }

        if (Kind == "latency" && LatencyMs is not (>= 0 and <= 60_000))
        {
            return "A latency rule needs 'latencyMs' between 0 and 60000.";
        }

        if (Kind != "latency" && LatencyMs is not null)
        {
            return "'latencyMs' belongs to latency rules only.";
        }

        if (Then is not null && (Kind != "commitThenFail" || Then is not ("status500" or "reset")))
        {
            return "'then' belongs to commitThenFail rules and is \"status500\" (default) or \"reset\".";
        }

        Method = parts[0].ToUpperInvariant();
        Segments = parts[1].Split('/', StringSplitOptions.RemoveEmptyEntries);
        int doubleStar = Array.IndexOf(Segments, "**");
        if (doubleStar >= 0 && doubleStar != Segments.Length - 1)
        {
            return "'**' may only be the last path segment.";
        }

        Hits = 0;
        return null;
    }

    internal bool Matches(string method, string path)
    {
        if (Method != "*" && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string[] actual = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < Segments.Length; i++)
        {
            if (Segments[i] == "**")
            {
                return true;
            }

            if (i >= actual.Length || (Segments[i] != "*" && !string.Equals(Segments[i], actual[i], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return actual.Length == Segments.Length;
    }
}

/// <summary>The fault rules in force and the seeded dice that decide whether a matching rule fires.</summary>
public sealed class FaultInjector
{
    private static readonly JsonSerializerOptions Json = new() { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly object _gate = new();
    private readonly Random _random;
    private readonly List<FaultRule> _rules = new();

    public FaultInjector(EmulatorOptions options)
    {
        _random = options.FaultSeed is int seed ? new Random(seed) : new Random();
        if (options.FaultsPath is string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                throw new ArgumentException($"--faults: cannot read '{path}': {ex.Message}", ex);
            }

            Replace(Parse(text, "--faults " + path));
        }
    }

    /// <summary>Parses a rule array (or one rule object); throws <see cref="ArgumentException"/> with a clear message.</summary>
    public static List<FaultRule> Parse(string json, string source)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            List<FaultRule> rules = doc.RootElement.ValueKind switch
            {
                JsonValueKind.Array => doc.RootElement.Deserialize<List<FaultRule>>(Json) ?? new List<FaultRule>(),
                JsonValueKind.Object => new List<FaultRule> { doc.RootElement.Deserialize<FaultRule>(Json)! },
                _ => throw new ArgumentException($"{source}: expected a fault rule object or an array of them."),
            };
            for (int i = 0; i < rules.Count; i++)
            {
                if (rules[i] is null)
                {
                    throw new ArgumentException($"{source}: rule {i} is null.");
                }

                if (rules[i].Validate() is string reason)
                {
                    throw new ArgumentException($"{source}: rule {i}: {reason}");
                }
            }

            return rules;
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{source}: not valid fault rule JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).", ex);
        }
    }

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return _rules.ToList();
            }
        }
    }

    public void Replace(IEnumerable<FaultRule> rules)
    {
        lock (_gate)
        {
            _rules.Clear();
            _rules.AddRange(rules);
        }
    }

    public void Add(IEnumerable<FaultRule> rules)
    {
        lock (_gate)
        {
            _rules.AddRange(rules);
        }
    }

    public void Clear() => Replace(Array.Empty<FaultRule>());

    /// <summary>
    /// The faults that fire for this request, in rule order: every latency rule that fires, then at
    /// most one other rule (the first that fires). Each fired rule counts a hit.
    /// </summary>
    public (int LatencyMs, FaultRule? Fault) Decide(string method, string path)
    {
        int latency = 0;
        lock (_gate)
        {
            foreach (FaultRule rule in _rules)
            {
                if (rule.Exhausted || !rule.Matches(method, path) || !Roll(rule.Probability))
                {
                    continue;
                }

                rule.Hits++;
                if (rule.Kind == "latency")
                {
                    latency += rule.LatencyMs ?? 0;
                    continue;
                }

                return (latency, rule);
            }
        }

        return (latency, null);
    }

    // Probability 1 and 0 do not draw, so adding a certain rule does not shift the seeded sequence.
    private bool Roll(double probability) => probability >= 1 || (probability > 0 && _random.NextDouble() < probability);
}
