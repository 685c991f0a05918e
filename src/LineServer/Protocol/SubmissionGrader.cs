namespace OrleansDist.LineServer.Protocol;

/// <summary>
/// Scores the lines of one submission against the file: correct = distinct line numbers whose text matches exactly;
/// incorrect = every submitted line whose number is out of range or whose text differs.
/// </summary>
internal sealed class SubmissionGrader
{
    /// <summary>How many distinct incorrect numbers are remembered for SEND INCORRECT LINES; all are still counted.</summary>
    public const int MaxRememberedIncorrect = 100_000;

    private readonly IReadOnlyList<string> _file;
    private readonly HashSet<int> _correct = [];
    private readonly HashSet<long> _incorrectSeen = [];
    private readonly List<long> _incorrectInOrder = [];

    public SubmissionGrader(IReadOnlyList<string> file) => _file = file;

    public int Correct => _correct.Count;

    public int Incorrect { get; private set; }

    public int LinesRead { get; private set; }

    /// <summary>Distinct incorrect line numbers in the order they were first submitted.</summary>
    public IReadOnlyList<long> IncorrectLineNumbers => _incorrectInOrder;

    public void Add(long number, string text)
    {
        LinesRead++;
        if (number >= 0 && number < _file.Count && string.Equals(_file[(int)number], text, StringComparison.Ordinal))
        {
            _correct.Add((int)number);
            return;
        }

        Incorrect++;
        if (_incorrectSeen.Count < MaxRememberedIncorrect && _incorrectSeen.Add(number))
        {
            _incorrectInOrder.Add(number);
        }
    }
}
