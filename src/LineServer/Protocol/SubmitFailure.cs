namespace OrleansDist.LineServer.Protocol;

/// <summary>The reasons the course server gives in <c>SUBMIT FAILED: &lt;entry&gt; - &lt;reason&gt;</c>.</summary>
internal static class SubmitFailure
{
    public const string LinesToReadParsingError = "LINESTOREAD PARSING ERROR";
    public const string LineNumberParsingError = "LINE NUMBER PARSING ERROR";
    public const string ReadingError = "READING ERROR";
}
