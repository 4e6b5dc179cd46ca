using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using NodaTime;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Keeps the keys that protect session cookies and antiforgery tokens in the server's database, so every server process
/// on one database reads the others' cookies and a restart keeps people signed in.
/// </summary>
internal sealed class DatabaseKeyRepository(ServerStore store, IClock clock) : IXmlRepository
{
    // The data-protection system calls these synchronously, rarely (at start and when a key rotates).
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ListKeysAsync().GetAwaiter().GetResult().Select(x => XElement.Parse(x))];

    public void StoreElement(XElement element, string friendlyName) =>
        store.InsertKeyAsync(Guid.CreateVersion7().ToString("N"), element.ToString(SaveOptions.DisableFormatting), clock.GetCurrentInstant()).GetAwaiter().GetResult();
}
