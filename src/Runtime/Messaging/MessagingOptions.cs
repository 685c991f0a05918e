using System.ComponentModel.DataAnnotations;

namespace OrleansDist.Runtime.Messaging;

/// <summary>Calls and connections, for silos and clients alike.</summary>
public sealed class MessagingOptions
{
    /// <summary>How long a caller waits for a response before <see cref="TimeoutException"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest frame accepted; a bigger one closes the connection that sent it.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Time allowed for TCP connect plus handshake.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Times a request may be forwarded between silos when directory information was stale.</summary>
    [Range(0, 10)]
    public int MaxForwardCount { get; set; } = 2;
}
