using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Tests.Rotation;

/// <summary>An arranged fake provider, host and rotator, with zero waits.</summary>
public abstract class RotationTestBase : IDisposable
{
    private readonly List<string> _paths = new();

    internal RotationTestBase()
    {
        Provider = new FakeCredentialProvider();
        Host = new RecordingHost();
        Settings = new RotationSettings
        {
            VerifyRetryDelay = TimeSpan.Zero,
            TransientRetryDelay = TimeSpan.Zero,
            Clock = () => Now,
        };
        Provider.Clock = () => Now;
        Rotator = new ClientCredentialRotator(Provider, Host, Settings);
    }

    internal FakeCredentialProvider Provider { get; set; }

    internal RecordingHost Host { get; }

    internal RotationSettings Settings { get; }

    internal ClientCredentialRotator Rotator { get; set; }

    internal DateTimeOffset Now { get; set; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    internal static RotationKey Old => RotationKeys.Get(0);

    internal static RotationKey Other => RotationKeys.Get(1);

    internal static RotationKey New => RotationKeys.Get(2);

    internal ClientCredential SeedOne(string clientId = "app")
    {
        Provider.AddClient(clientId);
        return Provider.Seed(clientId, Old, attached: true);
    }

    internal RotationStartOptions StartWith(RotationKey? key, string clientId = "app") =>
        new(clientId) { Key = key, Audience = "https://api.example" };

    internal string[] Operations() => Provider.Calls.Select(c => c.Operation).ToArray();

    internal string TempKeyPath()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pscr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        _paths.Add(dir);
        return Path.Combine(dir, "new.pem");
    }

    /// <summary>Never 0 and never more than 2 attached (and never 0 working) after any change.</summary>
    internal void AssertNoLockoutAndNoOverflow()
    {
        Assert.All(Provider.AttachedHistory, h =>
        {
            Assert.InRange(h.Attached, 1, Provider.Policy.MaxAttached);
            Assert.True(h.Working >= 1, $"client {h.ClientId} had no working credential attached");
        });
    }

    public void Dispose()
    {
        foreach (string dir in _paths)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        GC.SuppressFinalize(this);
    }
}
