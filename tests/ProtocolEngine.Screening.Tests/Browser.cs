using Microsoft.Playwright;

namespace ProtocolEngine.Screening.Tests;

/// <summary>Launches the system chromium as TOOLCHAIN.md says (tests/run installs it; never `playwright install`).</summary>
internal static class Browser
{
    public static string ExecutablePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PROTOCOLENGINE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
            if (!File.Exists(path)) throw new InvalidOperationException($"Chromium not found at {path}: run .ci/ensure-chromium.sh (tests/run does) or set PROTOCOLENGINE_CHROMIUM.");
            return path;
        }
    }

    public static BrowserTypeLaunchOptions Options => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };
}
