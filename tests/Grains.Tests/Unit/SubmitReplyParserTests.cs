using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class SubmitReplyParserTests
{
    [Fact]
    public void RealSuccessReply_ParsesEveryField()
    {
        const string reply = "SUBMIT SUCCESS: aseth@col334-672 - 10.184.42.12 - 1000, 0, 1000, 22299, 8157, 1000 - 1692721102043, 1692721420051, 1692721502014";

        var outcome = SubmitReplyParser.Parse(reply);

        Assert.NotNull(outcome);
        Assert.True(outcome.Success);
        Assert.Equal(reply, outcome.Reply);
        Assert.Equal(1000, outcome.Correct);
        Assert.Equal(0, outcome.Incorrect);
        Assert.Equal(1000, outcome.LinesRead);
        Assert.Equal(22299, outcome.LinesSentSession);
        Assert.Equal(8157, outcome.LinesSentConnection);
        Assert.Equal(1000, outcome.MaxLines);
        Assert.Equal(1692721102043, outcome.SessionStartMs);
        Assert.Equal(1692721420051, outcome.ConnectionStartMs);
        Assert.Equal(1692721502014, outcome.SubmittedMs);
        Assert.Equal(399971, outcome.ScoreMs);
    }

    [Theory]
    [InlineData("team - one - two@x")]
    [InlineData("a - b - c - d - e@f")]
    [InlineData("-@-")]
    public void EntryContainingSeparators_IsParsedFromTheEnd(string entry)
    {
        var outcome = SubmitReplyParser.Parse($"SUBMIT SUCCESS: {entry} - 127.0.0.10 - 990, 10, 1000, 1500, 1500, 1000 - 100, 200, 5100");

        Assert.NotNull(outcome);
        Assert.True(outcome.Success);
        Assert.Equal(990, outcome.Correct);
        Assert.Equal(10, outcome.Incorrect);
        Assert.Equal(1000, outcome.LinesRead);
        Assert.Equal(1500, outcome.LinesSentSession);
        Assert.Equal(100, outcome.SessionStartMs);
        Assert.Equal(200, outcome.ConnectionStartMs);
        Assert.Equal(5000, outcome.ScoreMs);
    }

    [Fact]
    public void CountsOverIntRange_FitTheLongFields()
    {
        var outcome = SubmitReplyParser.Parse("SUBMIT SUCCESS: e@t - ::1 - 1, 0, 1, 5000000000, 4000000000, 1 - 0, 0, 1");

        Assert.NotNull(outcome);
        Assert.Equal(5_000_000_000, outcome.LinesSentSession);
        Assert.Equal(4_000_000_000, outcome.LinesSentConnection);
    }

    [Theory]
    [InlineData("SUBMIT FAILED: x - LINESTOREAD PARSING ERROR")]
    [InlineData("SUBMIT FAILED: x - LINE NUMBER PARSING ERROR")]
    [InlineData("SUBMIT FAILED: x - READING ERROR")]
    [InlineData("SUBMIT FAILED: aseth@col334-672 - READING ERROR")]
    [InlineData("SUBMIT FAILED:")]
    public void FailureReplies_AreUnsuccessful(string reply)
    {
        var outcome = SubmitReplyParser.Parse(reply);

        Assert.NotNull(outcome);
        Assert.False(outcome.Success);
        Assert.Equal(reply, outcome.Reply);
        Assert.Equal(0, outcome.Correct);
        Assert.Equal(0, outcome.ScoreMs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("ERROR: UNKNOWN COMMAND")]
    [InlineData("SESSION RESET OK")]
    [InlineData("-1")]
    [InlineData("submit success: e@t - ip - 1, 0, 1, 1, 1, 1 - 1, 2, 3")]
    [InlineData(" SUBMIT SUCCESS: e@t - ip - 1, 0, 1, 1, 1, 1 - 1, 2, 3")]
    [InlineData("SUBMIT FAILURE: x - READING ERROR")]
    [InlineData("SUBMIT SUCCESS")]
    [InlineData("SUBMIT SUCCESS:")]
    [InlineData("SUBMIT SUCCESS: e@t - 1, 0, 1, 1, 1, 1 - 1, 2, 3")] // no address group
    [InlineData("SUBMIT SUCCESS: e@t - ip - 1, 0, one, 1, 1, 1 - 1, 2, 3")]
    [InlineData("SUBMIT SUCCESS: e@t - ip - 1, 0, 1, 1, 1, 1 - 1, 2, x")]
    [InlineData("SUBMIT SUCCESS: e@t - ip - 1, 0, 1, 1, 1, 1 - 1, 2, ")]
    [InlineData("SUBMIT SUCCESS: e@t - ip - 1; 0; 1; 1; 1; 1 - 1, 2, 3")]
    public void OtherReplies_AreNull(string reply) => Assert.Null(SubmitReplyParser.Parse(reply));

    [Theory]
    [InlineData("1, 0, 1, 1, 1", "1, 2, 3")]
    [InlineData("1, 0, 1, 1, 1, 1, 1", "1, 2, 3")]
    [InlineData("1000", "1, 2, 3")]
    [InlineData("1, 0, 1, 1, 1, 1", "1, 2")]
    [InlineData("1, 0, 1, 1, 1, 1", "1, 2, 3, 4")]
    [InlineData("1, 0, 1, 1, 1, 1", "1")]
    public void WrongNumberCounts_AreNull(string counts, string times) =>
        Assert.Null(SubmitReplyParser.Parse($"SUBMIT SUCCESS: e@t - 10.0.0.1 - {counts} - {times}"));

    [Fact]
    public void NumbersWithoutSpacesAfterCommas_AreAccepted()
    {
        var outcome = SubmitReplyParser.Parse("SUBMIT SUCCESS: e@t - 10.0.0.1 - 7,1,8,9,9,10 - 10,20,30");

        Assert.NotNull(outcome);
        Assert.Equal(7, outcome.Correct);
        Assert.Equal(1, outcome.Incorrect);
        Assert.Equal(10, outcome.MaxLines);
        Assert.Equal(20, outcome.ScoreMs);
    }
}
