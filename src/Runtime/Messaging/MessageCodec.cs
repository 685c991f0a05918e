using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using OrleansDist.Runtime.Membership;

namespace OrleansDist.Runtime.Messaging;

/// <summary>
/// Frame layout: a 4-byte little-endian length of everything after it, then the header fields, then the body.
/// Strings are a 2-byte length (0xFFFF = null) and UTF-8 bytes; a silo address is a string.
/// </summary>
internal static class MessageCodec
{
    public const int LengthPrefixSize = 4;
    private const ushort NullString = 0xFFFF;

    public static void Write(IBufferWriter<byte> output, Message message)
    {
        var headerSize = 1 + 1 + 1 + 1 + 8
            + StringSize(message.Target.Type) + StringSize(message.Target.Key)
            + StringSize(message.InterfaceName) + StringSize(message.MethodKey)
            + StringSize(message.SendingSilo?.ToString()) + StringSize(message.SendingClient)
            + StringSize(message.TargetSilo?.ToString()) + StringSize(message.PlacementSiloName)
            + StringSize(message.TraceParent) + StringSize(message.TraceState)
            + 4;
        var total = headerSize + message.Body.Length;
        var span = output.GetSpan(LengthPrefixSize + headerSize);
        BinaryPrimitives.WriteInt32LittleEndian(span, total);
        var pos = LengthPrefixSize;
        span[pos++] = (byte)message.Direction;
        span[pos++] = (byte)message.Flags;
        span[pos++] = (byte)message.ResponseStatus;
        span[pos++] = message.ForwardCount;
        BinaryPrimitives.WriteInt64LittleEndian(span[pos..], message.Id);
        pos += 8;
        pos += WriteString(span[pos..], message.Target.Type);
        pos += WriteString(span[pos..], message.Target.Key);
        pos += WriteString(span[pos..], message.InterfaceName);
        pos += WriteString(span[pos..], message.MethodKey);
        pos += WriteString(span[pos..], message.SendingSilo?.ToString());
        pos += WriteString(span[pos..], message.SendingClient);
        pos += WriteString(span[pos..], message.TargetSilo?.ToString());
        pos += WriteString(span[pos..], message.PlacementSiloName);
        pos += WriteString(span[pos..], message.TraceParent);
        pos += WriteString(span[pos..], message.TraceState);
        BinaryPrimitives.WriteInt32LittleEndian(span[pos..], message.Body.Length);
        pos += 4;
        output.Advance(pos);
        if (message.Body.Length > 0)
        {
            output.Write(message.Body.Span);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the message cannot travel: a header string over 65,534 bytes, or a frame over
    /// <paramref name="maxMessageSize"/> (which the receiver would answer by closing the connection, failing everyone's calls).
    /// </summary>
    public static void CheckSize(Message message, int maxMessageSize)
    {
        var strings = new[] { message.Target.Type, message.Target.Key, message.InterfaceName, message.MethodKey, message.SendingClient, message.PlacementSiloName, message.TraceParent, message.TraceState };
        var headerSize = 64;
        foreach (var value in strings)
        {
            var size = value is null ? 0 : Encoding.UTF8.GetByteCount(value);
            if (size >= NullString)
            {
                throw new ArgumentException($"{DescribeForSize(message)}: a header field of {size} bytes is over the 65,534-byte limit (is the grain key that long?)");
            }

            headerSize += 2 + size;
        }

        var total = (long)headerSize + 128 + message.Body.Length;
        if (total > maxMessageSize)
        {
            throw new ArgumentException(
                $"{DescribeForSize(message)}: the message would be {total:N0} bytes, over MaxMessageSize ({maxMessageSize:N0} bytes); send the data in smaller pieces or raise MessagingOptions.MaxMessageSize on every silo and client");
        }
    }

    private static string DescribeForSize(Message message) =>
        message.Direction == MessageDirection.Response ? $"The response to call #{message.Id}" : $"{message.InterfaceName}.{message.MethodKey} to {message.Target.Type}";

    /// <summary>Reads the frame length if the buffer holds at least the prefix.</summary>
    public static bool TryReadLength(in ReadOnlySequence<byte> buffer, out int length)
    {
        length = 0;
        if (buffer.Length < LengthPrefixSize)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        buffer.Slice(0, LengthPrefixSize).CopyTo(prefix);
        length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        return true;
    }

    /// <summary>Decodes one frame body (without its length prefix). Throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static Message Read(ReadOnlySpan<byte> frame)
    {
        var reader = new FrameReader(frame);
        var direction = (MessageDirection)reader.ReadByte();
        if (direction is not (MessageDirection.Request or MessageDirection.Response or MessageDirection.OneWay))
        {
            throw new InvalidDataException($"unknown message direction {(byte)direction}");
        }

        var message = new Message
        {
            Direction = direction,
            Flags = (MessageFlags)reader.ReadByte(),
            ResponseStatus = (ResponseStatus)reader.ReadByte(),
            ForwardCount = reader.ReadByte(),
            Id = reader.ReadInt64(),
        };
        var type = reader.ReadString();
        var key = reader.ReadString();
        if (type is not null)
        {
            message.Target = new GrainId(type, key ?? "");
        }

        message.InterfaceName = reader.ReadString() ?? "";
        message.MethodKey = reader.ReadString() ?? "";
        message.SendingSilo = ReadSiloAddress(reader.ReadString());
        message.SendingClient = reader.ReadString();
        message.TargetSilo = ReadSiloAddress(reader.ReadString());
        message.PlacementSiloName = reader.ReadString();
        message.TraceParent = reader.ReadString();
        message.TraceState = reader.ReadString();
        var bodyLength = reader.ReadInt32();
        if (bodyLength < 0 || bodyLength != reader.Remaining)
        {
            throw new InvalidDataException($"body length {bodyLength} does not match the {reader.Remaining} bytes left in the frame");
        }

        message.Body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : reader.ReadBytes(bodyLength);
        return message;
    }

    private static SiloAddress? ReadSiloAddress(string? text) =>
        text is null ? null : SiloAddress.TryParse(text, out var address) ? address : throw new InvalidDataException($"bad silo address '{text}'");

    private static int StringSize(string? value) => 2 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    private static int WriteString(Span<byte> span, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, NullString);
            return 2;
        }

        var count = Encoding.UTF8.GetBytes(value, span[2..]);
        if (count >= NullString)
        {
            throw new ArgumentException("header string longer than 65534 bytes");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)count);
        return 2 + count;
    }

    private ref struct FrameReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly int Remaining => _data.Length - _pos;

        public byte ReadByte()
        {
            Ensure(1);
            return _data[_pos++];
        }

        public int ReadInt32()
        {
            Ensure(4);
            var value = BinaryPrimitives.ReadInt32LittleEndian(_data[_pos..]);
            _pos += 4;
            return value;
        }

        public long ReadInt64()
        {
            Ensure(8);
            var value = BinaryPrimitives.ReadInt64LittleEndian(_data[_pos..]);
            _pos += 8;
            return value;
        }

        public string? ReadString()
        {
            Ensure(2);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(_data[_pos..]);
            _pos += 2;
            if (length == NullString)
            {
                return null;
            }

            Ensure(length);
            var value = Encoding.UTF8.GetString(_data.Slice(_pos, length));
            _pos += length;
            return value;
        }

        public byte[] ReadBytes(int count)
        {
            Ensure(count);
            var value = _data.Slice(_pos, count).ToArray();
            _pos += count;
            return value;
        }

        private readonly void Ensure(int count)
        {
            if (_pos + count > _data.Length)
            {
                throw new InvalidDataException($"frame truncated: needed {count} more bytes at offset {_pos} of {_data.Length}");
            }
        }
    }

    internal static IPEndPoint? ParseEndpoint(string? text) => text is not null && IPEndPoint.TryParse(text, out var ep) ? ep : null;
}
