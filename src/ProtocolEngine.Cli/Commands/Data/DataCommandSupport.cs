using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Data;
using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>What the commands that read data share: loading with progress, turning data errors into user messages, JSON output, --encoding.</summary>
internal static class DataCommandSupport
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Runs a data operation; a bad file becomes a user-facing error (exit code 2), never a stack trace.</summary>
    public static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (DataFormatException ex)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    /// <summary>Loads a study folder, file or FHIR bundle, with a progress bar on standard error.</summary>
    public static LoadedStudy Load(string path, StudyLoadOptions options, CliConsole console)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserFacingException($"No such data file or folder: {path}");
        return console.Progress($"Reading {path}", report => Guard(() => StudyLoader.Load(path, options with
        {
            Progress = new Progress<(int Done, int Total, string File)>(p => report(p.Done, p.Total)),
        })));
    }

    /// <summary>The description every --encoding option shows.</summary>
    public const string EncodingDescription = "The encoding of the data files when it is not UTF-8: latin1, windows-1252, ... (an XPT's character values too). Without it, a byte that is not UTF-8 is an error.";

    /// <summary>The encoding an --encoding option names (null for UTF-8); an unknown name is a usage error listing the known ones.</summary>
    public static System.Text.Encoding? ParseEncoding(string? name)
    {
        if (name is null) return null;
        try
        {
            return ProtocolEngine.Data.Text.TextEncodings.Parse(name);
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException($"--encoding: {ex.Message}");
        }
    }

    /// <summary>The validation of an --encoding option, for a command's settings.</summary>
    public static ValidationResult ValidateEncoding(string? name)
    {
        try
        {
            ParseEncoding(name);
            return ValidationResult.Success();
        }
        catch (UserFacingException ex)
        {
            return ValidationResult.Error(ex.Message);
        }
    }

    /// <summary>Writes a result as indented camelCase JSON on standard output.</summary>
    public static void WriteJson<T>(CliConsole console, T value) => console.Text.WriteLine(JsonSerializer.Serialize(value, Json));
}
