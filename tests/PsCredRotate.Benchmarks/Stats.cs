using System;
using System.Collections.Generic;
using System.Linq;

namespace PsCredRotate.Benchmarks;

internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        double[] sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// A bootstrap interval (5th to 95th percentile) for median(numerator) / median(denominator):
    /// how far the ratio of medians could move on another run of the same size.
    /// </summary>
    public static (double Low, double High) BootstrapMedianRatio(IReadOnlyList<double> numerator, IReadOnlyList<double> denominator, int resamples = 2000)
    {
        var random = new Random(12345);
        var ratios = new double[resamples];
        var a = new double[numerator.Count];
        var b = new double[denominator.Count];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = numerator[random.Next(numerator.Count)];
            }

            for (int i = 0; i < b.Length; i++)
            {
                b[i] = denominator[random.Next(denominator.Count)];
            }

            ratios[r] = Median(a) / Median(b);
        }

        Array.Sort(ratios);
        return (ratios[(int)(resamples * 0.05)], ratios[(int)(resamples * 0.95) - 1]);
    }
}
