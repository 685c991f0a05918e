namespace OrleansDist.Grains.LineDownload;

/// <summary>The server answered something that is not the reply the protocol expects.</summary>
internal sealed class MalformedReplyException(string message) : Exception(message);
