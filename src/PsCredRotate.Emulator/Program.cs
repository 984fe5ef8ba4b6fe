using PsCredRotate.Emulator;
using PsCredRotate.Emulator.State;

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

WebApplication app;
try
{
    app = EmulatorHost.Build(options);
}
catch (Exception ex) when (ex is ArgumentException or StateLoadException)
{
    Console.Error.WriteLine(ex is StateLoadException ? $"--state {options.StatePath}: {ex.Message}" : ex.Message);
    return 2;
}

await app.StartAsync();
Console.WriteLine($"ready {EmulatorHost.BaseAddress(app).ToString().TrimEnd('/')}");
await app.WaitForShutdownAsync();
return 0;
