using System.Net;
using System.Net.Sockets;

namespace OrleansDist.LineServer;

/// <summary>The line server could not listen on its endpoint (most often: the port is already in use).</summary>
public sealed class LineServerBindException : IOException
{
    public LineServerBindException(IPEndPoint endPoint, SocketException cause)
        : base(Describe(endPoint, cause), cause)
    {
        EndPoint = endPoint;
        SocketError = cause.SocketErrorCode;
    }

    public IPEndPoint EndPoint { get; }

    public SocketError SocketError { get; }

    public bool AddressInUse => SocketError == SocketError.AddressAlreadyInUse;

    private static string Describe(IPEndPoint endPoint, SocketException cause) => cause.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => $"line server cannot listen on {endPoint}: the port is already in use",
        SocketError.AddressNotAvailable => $"line server cannot listen on {endPoint}: the address is not an address of this machine",
        SocketError.AccessDenied => $"line server cannot listen on {endPoint}: permission denied",
        _ => $"line server cannot listen on {endPoint}: {cause.Message}",
    };
}
