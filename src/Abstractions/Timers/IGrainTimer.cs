namespace OrleansDist;

public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the timer next fires and its period.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}
