namespace OrleansDist.Client.Servers;

/// <summary>The task server's designs (<c>server run --design</c>).</summary>
internal enum ServerDesign
{
    /// <summary>One connection at a time; the others wait in the accept queue.</summary>
    Serial,

    /// <summary>A pre-forked pool of worker processes sharing one listening socket, each serving one connection at a time.</summary>
    Process,

    /// <summary>A dedicated OS thread per connection, blocking sockets.</summary>
    Thread,

    /// <summary>One process, async sockets: no thread is held while a connection waits.</summary>
    Async,

    /// <summary>Each connection is a grain on an Orleans cluster; the silos run the TCP front end.</summary>
    Actor,
}
