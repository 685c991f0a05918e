using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace OrleansDist.Bench;

/// <summary>
/// The floor: length-prefixed frames (4-byte little-endian length, then the body) over System.IO.Pipelines on a
/// NetworkStream with NoDelay, and nothing else (no header, no serialization, no scheduling hops beyond the socket's).
/// The same code and pipe options as the benchmark of the project's former home-made runtime, so the floor stays comparable.
/// </summary>
internal static class RawTcp
{
    private const int Prefix = 4;

    private static PipeReader CreateReader(Stream stream) => PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096));

    private static PipeWriter CreateWriter(Stream stream) => PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));

    // ---- echo-server child ----

    public static async Task RunEchoServerAsync(int port, CancellationToken stopping)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(16);
        Console.Out.WriteLine($"READY echo-server port={port}");
        Console.Out.Flush();
        using var registration = stopping.Register(listener.Dispose);
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(() => EchoAsync(socket));
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = CreateReader(stream);
        var writer = CreateWriter(stream);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var echoed = 0;
                while (TryReadFrame(ref buffer, out var frame))
                {
                    var length = (int)frame.Length;
                    var span = writer.GetSpan(Prefix + length);
                    BinaryPrimitives.WriteInt32LittleEndian(span, length);
                    frame.CopyTo(span[Prefix..]);
                    writer.Advance(Prefix + length);
                    echoed++;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (echoed > 0)
                {
                    var flush = await writer.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // the bench closed its connection
        }
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < Prefix)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[Prefix];
        buffer.Slice(0, Prefix).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);

        if (length <= 0 || length > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"bad frame length {length}");
        }

        if (buffer.Length < Prefix + length)
        {
            return false;
        }

        frame = buffer.Slice(Prefix, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    // ---- bench side ----

    /// <summary>One connection to the echo server. The first 8 payload bytes carry the send timestamp, echoed back.</summary>
    public sealed class Client : IAsyncDisposable
    {
        private readonly NetworkStream _stream;
        private readonly PipeReader _reader;
        private readonly PipeWriter _writer;
        private readonly int _payload;

        private Client(Socket socket, int payload)
        {
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = CreateReader(_stream);
            _writer = CreateWriter(_stream);
            _payload = payload;
        }

        public static async Task<Client> ConnectAsync(int port, int payload)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return new Client(socket, payload);
        }

        private void WriteFrame(long timestamp)
        {
            var span = _writer.GetSpan(Prefix + _payload);
            BinaryPrimitives.WriteInt32LittleEndian(span, _payload);
            BinaryPrimitives.WriteInt64LittleEndian(span[Prefix..], timestamp);
            span.Slice(Prefix + 8, _payload - 8).Fill(0x5A);
            _writer.Advance(Prefix + _payload);
        }

        /// <summary>Reads whatever complete frames have arrived (waiting for at least one); returns their count.</summary>
        private async ValueTask<int> ReadFramesAsync(List<double>? latencies)
        {
            while (true)
            {
                var result = await _reader.ReadAsync();
                var buffer = result.Buffer;
                var count = 0;
                var now = Stopwatch.GetTimestamp();
                while (TryReadFrame(ref buffer, out var frame))
                {
                    if (latencies is not null)
                    {
                        latencies.Add(RunSummary.ToUs(now - ReadTimestamp(frame)));
                    }

                    count++;
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (count > 0)
                {
                    return count;
                }

                if (result.IsCompleted)
                {
                    throw new IOException("the echo server closed the connection");
                }
            }
        }

        private static long ReadTimestamp(in ReadOnlySequence<byte> frame)
        {
            Span<byte> ts = stackalloc byte[8];
            frame.Slice(0, 8).CopyTo(ts);
            return BinaryPrimitives.ReadInt64LittleEndian(ts);
        }

        /// <summary>One frame, wait for its echo.</summary>
        public async Task PingAsync()
        {
            WriteFrame(Stopwatch.GetTimestamp());
            await _writer.FlushAsync();
            var got = await ReadFramesAsync(null);
            if (got != 1)
            {
                throw new InvalidOperationException($"expected one echo, got {got}");
            }
        }

        /// <summary>
        /// Keeps <paramref name="concurrency"/> frames in flight: each batch of echoes read is answered by as many new frames,
        /// written and flushed together. Rate = echoes completed in the window; latency = echo time - send time stamped in the frame.
        /// </summary>
        public async Task<RunSummary> PipelinedAsync(int concurrency, MeasureSettings settings)
        {
            var latencies = new List<double>(1 << 16);
            var now = Stopwatch.GetTimestamp();
            var windowStart = now + (long)(settings.PipeWarmupSeconds * Stopwatch.Frequency);
            var windowEnd = windowStart + (long)(settings.PipeSeconds * Stopwatch.Frequency);
            long inWindow = 0;
            long actualStart = 0, actualEnd = 0;
            for (var i = 0; i < concurrency; i++)
            {
                WriteFrame(now);
            }

            await _writer.FlushAsync();
            var outstanding = concurrency;
            var measuring = false;
            var stopping = false;
            while (outstanding > 0)
            {
                var got = await ReadFramesAsync(measuring ? latencies : null);
                outstanding -= got;
                now = Stopwatch.GetTimestamp();
                if (measuring)
                {
                    inWindow += got;
                }

                if (!measuring && !stopping && now >= windowStart)
                {
                    measuring = true;
                    actualStart = now;
                }
                else if (measuring && now >= windowEnd)
                {
                    measuring = false;
                    stopping = true;
                    actualEnd = now;
                }

                if (!stopping)
                {
                    for (var i = 0; i < got; i++)
                    {
                        WriteFrame(now);
                    }

                    outstanding += got;
                    await _writer.FlushAsync();
                }
            }

            return RunSummary.FromSamples([.. latencies], inWindow, (double)(actualEnd - actualStart) / Stopwatch.Frequency);
        }

        public async ValueTask DisposeAsync()
        {
            await _writer.CompleteAsync();
            await _reader.CompleteAsync();
            await _stream.DisposeAsync();
        }
    }
}
