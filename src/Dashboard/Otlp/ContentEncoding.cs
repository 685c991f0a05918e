namespace OrleansDist.Dashboard.Otlp;

/// <summary>The request body compressions the receiver understands.</summary>
internal enum ContentEncoding
{
    Identity,
    Gzip,
    Deflate,
}
