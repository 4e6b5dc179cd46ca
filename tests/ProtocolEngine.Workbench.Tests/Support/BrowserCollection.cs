namespace ProtocolEngine.Workbench.Tests.Support;

/// <summary>
/// The browser test classes run one after the other: each starts a server and a chromium, and the designer's timings
/// (a diagnostic within a second) should not share two cores with the workbench's 10,000-task world being built.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
