using System.Text;

namespace OrleansDist.LineServer.Content;

/// <summary>The file a line server hands out: generated text or the lines of a file on disk. Line i is number i.</summary>
internal static class LineFile
{
    /// <summary>Generated lines stay under this, like lines of an ordinary text file.</summary>
    public const int MaxGeneratedLineLength = 120;

    private const int MinGeneratedLineLength = 30;

    /// <summary>
    /// <paramref name="count"/> distinct lines of random words, the same for the same seed. Lines carry no line numbers,
    /// so a client cannot tell a line's number from its text: it must keep the number the server sent with it.
    /// </summary>
    public static string[] Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var lines = new string[count];
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        var builder = new StringBuilder(MaxGeneratedLineLength);
        for (var i = 0; i < count; i++)
        {
            string line;
            do
            {
                line = GenerateLine(random, builder);
            }
            while (!seen.Add(line));

            lines[i] = line;
        }

        return lines;
    }

    /// <summary>The lines of a text file (\n or \r\n). Throws <see cref="InvalidDataException"/> for an empty file.</summary>
    public static string[] Load(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"'{path}' has no lines: a line server needs at least one line to serve.");
        }

        return lines;
    }

    private static string GenerateLine(Random random, StringBuilder builder)
    {
        builder.Clear();
        var target = random.Next(MinGeneratedLineLength, MaxGeneratedLineLength - 10);
        while (builder.Length < target)
        {
            var word = WordList.Words[random.Next(WordList.Words.Length)];
            if (builder.Length + 1 + word.Length + 1 > MaxGeneratedLineLength)
            {
                break;
            }

            if (builder.Length == 0)
            {
                builder.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                builder.Append(' ').Append(word);
            }
        }

        return builder.Append('.').ToString();
    }
}
