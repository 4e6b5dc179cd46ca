using ProtocolEngine.Safety.Replays;

namespace ProtocolEngine.Safety.Tests.Replays;

/// <summary>A replay's assumptions file: every mistake is a <see cref="FormatException"/> naming the file and the field.</summary>
public sealed class ReplayAssumptionsTests
{
    [Fact]
    public void AFileWithEveryField_IsRead()
    {
        var a = ReplayAssumptions.Parse("""
            {
              // comments are allowed
              "name": "slow monitors", "timeZone": "Europe/Berlin", "awarenessTime": "08:30", "workingDaysOnly": true,
              "workdayStart": "08:00", "workdayEnd": "16:00", "runOn": "30 days",
              "tasks": { "MedicalReview": { "after": "2 days", "decision": "expedited", "onlyIfClockStarted": ["FatalSUSAR"], "otherwise": "notExpedited" } },
              "default": { "after": "20 hours" }
            }
            """, "a.json");
        Assert.Equal(("slow monitors", "Europe/Berlin", true), (a.Name, a.TimeZone, a.WorkingDaysOnly));
        Assert.Equal("2 days", a.Tasks["MedicalReview"].After);
        Assert.Equal("20 hours", a.Default.After);
    }

    [Theory]
    [InlineData("""{ "tasks": null }""", "tasks is null")]
    [InlineData("""{ "default": null }""", "default is null")]
    [InlineData("""{ "tasks": { "NotifySponsor": null } }""", "tasks.NotifySponsor is null")]
    [InlineData("""{ "tasks": { "NotifySponsor": { "after": null } } }""", "tasks.NotifySponsor.after is null")]
    [InlineData("""{ "timeZone": null }""", "timeZone is null")]
    [InlineData("""{ "timeZone": "Mars/Olympus" }""", "timeZone \"Mars/Olympus\" is not an IANA time zone")]
    [InlineData("""{ "workdayStart": "17:00", "workdayEnd": "09:00" }""", "workdayStart must come before workdayEnd")]
    [InlineData("""{ "default": { "after": "soon" } }""", ": default.after \"soon\" is not a duration")]
    [InlineData("""{ "runOn": 3 }""", "line 1")]
    public void AMistake_NamesTheFileAndTheField(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ReplayAssumptions.Parse(json, "a.json"));
        Assert.StartsWith("a.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
