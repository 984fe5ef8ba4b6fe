using System.Globalization;

namespace PsCredRotate.Emulator;

/// <summary>
/// Command-line options. Every option has a documented default so `dotnet run` alone gives a
/// working tenant on loopback.
/// </summary>
public sealed class EmulatorOptions
{
    public const string DefaultManagementClientId = "emulator-management-client";
    public const string DefaultManagementClientSecret = "emulator-management-secret-change-me";

    /// <summary>--urls: where to listen; loopback only. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary>--https: serve TLS with a self-signed certificate generated at start.</summary>
    public bool Https { get; set; }

    /// <summary>--cert-out FILE: where to write the TLS certificate's PEM (with --https).</summary>
    public string? CertOut { get; set; }

    /// <summary>--seed FILE: JSON defining the tenant (domain, clients, APIs, grants, connections).</summary>
    public string? SeedPath { get; set; }

    /// <summary>--state FILE: persist all state there (atomic writes); loaded at start when it exists.</summary>
    public string? StatePath { get; set; }

    /// <summary>--management-client-id: the seeded machine-to-machine client holding every Management API scope.</summary>
    public string ManagementClientId { get; set; } = DefaultManagementClientId;

    /// <summary>--management-client-secret: its secret.</summary>
    public string ManagementClientSecret { get; set; } = DefaultManagementClientSecret;

    /// <summary>--admin: expose /_emulator/ (faults, reset, snapshot, clock).</summary>
    public bool Admin { get; set; }

    /// <summary>--domain: the tenant domain used in issuer/audience; default the listening host:port.</summary>
    public string? Domain { get; set; }

    /// <summary>--rate-limit N and --rate-burst N: per-tenant token bucket for the Management API (off when 0).</summary>
    public double RateLimitPerSecond { get; set; }

    public int RateLimitBurst { get; set; }

    // Operations options
    /// <summary>--rate-report-limit N: x-ratelimit-limit reported while limiting is off (default 50, Auth0's documented per-tenant Management API limit).</summary>
    public int RateReportLimit { get; set; } = 50;

    /// <summary>--faults FILE: JSON array of fault rules loaded at start (same format as PUT /_emulator/faults).</summary>
    public string? FaultsPath { get; set; }

    /// <summary>--fault-seed N: seed of the fault dice, for reproducible runs; random when absent.</summary>
    public int? FaultSeed { get; set; }
    // End of operations options

    /// <summary>--dfns: also serve the Dfns API surface (/auth/*, /webhooks*) on the same host.</summary>
    public bool Dfns { get; set; }

    /// <summary>--dfns-sa-create-credentials true|false: whether service accounts may create credentials (Dfns's docs conflict; default true).</summary>
    public bool DfnsServiceAccountsMayCreateCredentials { get; set; } = true;

    /// <summary>Parses the arguments; unknown options are an error (exit code 2 from Program).</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var o = new EmulatorOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {a} needs a value.");
            switch (a)
            {
                case "--urls": o.Urls = Next(); break;
                case "--https": o.Https = true; break;
                case "--cert-out": o.CertOut = Next(); break;
                case "--seed": o.SeedPath = Next(); break;
                case "--state": o.StatePath = Next(); break;
                case "--management-client-id": o.ManagementClientId = Next(); break;
                case "--management-client-secret": o.ManagementClientSecret = Next(); break;
                case "--admin": o.Admin = true; break;
                case "--domain": o.Domain = Next(); break;
                case "--rate-limit": o.RateLimitPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate-burst": o.RateLimitBurst = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                // Operations options
                case "--rate-report-limit": o.RateReportLimit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--faults": o.FaultsPath = Next(); break;
                case "--fault-seed": o.FaultSeed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--dfns": o.Dfns = true; break;
                case "--dfns-sa-create-credentials": o.DfnsServiceAccountsMayCreateCredentials = bool.Parse(Next()); break;
                default: throw new ArgumentException($"Unknown option '{a}'.");
            }
        }

        return o;
    }
}
