using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Data;
using ProtocolEngine.Data.Loading;
using Spectre.Console;

namespace ProtocolEngine.Cli.Commands.Data;

/// <summary>What the data commands share: loading with progress, turning data errors into user messages, JSON output.</summary>
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

    /// <summary>Loads a study, with a progress bar on the console unless the output must stay machine-readable.</summary>
    public static LoadedStudy Load(string path, StudyLoadOptions options, bool quiet)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserFacingException($"No such file or folder: {path}");
        if (quiet) return Guard(() => StudyLoader.Load(path, options));
        LoadedStudy? result = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask($"Reading {Markup.Escape(path)}");
            var withProgress = new StudyLoadOptions
            {
                Model = options.Model,
                MergeSupplementalQualifiers = options.MergeSupplementalQualifiers,
                RequireKnownDomains = options.RequireKnownDomains,
                AllowMalformedDates = options.AllowMalformedDates,
                Progress = new Progress<(int Done, int Total, string File)>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }),
            };
            result = Guard(() => StudyLoader.Load(path, withProgress));
            task.Value = task.MaxValue;
        });
        return result!;
    }

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));
}
