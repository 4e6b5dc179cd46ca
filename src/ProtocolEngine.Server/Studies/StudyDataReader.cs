using System.Text;
using ProtocolEngine.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Text;
using ProtocolEngine.Server.Problems;

namespace ProtocolEngine.Server.Studies;

/// <summary>
/// Reads a study's datasets for the server: one place, so that registration and every later load decode the data with the
/// study's declared encoding and turn unreadable data into a problem that names the file and record, never a 500.
/// </summary>
internal static class StudyDataReader
{
    /// <summary>The declared encoding (null or "utf-8" for UTF-8); an unknown name is a bad request.</summary>
    public static Encoding? ParseEncoding(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        try
        {
            var encoding = TextEncodings.Parse(name);
            return encoding.CodePage == Encoding.UTF8.CodePage ? null : encoding;
        }
        catch (ArgumentException ex)
        {
            throw new ApiException(ApiErrors.BadRequest, "encoding: " + ex.Message);
        }
    }

    /// <summary>Loads the datasets at <paramref name="path"/>; data that cannot be read becomes <see cref="ApiErrors.DataUnreadable"/>.</summary>
    public static async Task<LoadedStudy> LoadAsync(string path, Encoding? encoding, CancellationToken ct)
    {
        try
        {
            return await Task.Run(() => StudyLoader.Load(path, new StudyLoadOptions { Encoding = encoding }), ct);
        }
        catch (Exception ex) when (ex is DataFormatException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new ApiException(ApiErrors.DataUnreadable, $"The data at {path} cannot be read: {ex.Message}");
        }
    }
}
