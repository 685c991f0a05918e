using System.Buffers.Binary;
using System.Text;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>
/// Forward-only reader of the Protocol Buffers wire format over one message's bytes. Every read checks the remaining
/// length first, so truncated or corrupt input ends in an <see cref="OtlpFormatException"/> (never an index error),
/// and every call consumes at least one byte or throws, so no input can make a caller loop forever.
/// </summary>
internal ref struct ProtobufReader
{
    /// <summary>Deepest nesting of groups the reader will skip; deeper input is rejected rather than risking the stack.</summary>
    public const int MaxGroupDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly bool End => _position >= _buffer.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool TryReadTag(out int fieldNumber, out WireType wireType)
    {
        if (End)
        {
            fieldNumber = 0;
            wireType = default;
            return false;
        }

        var start = _position;
        var tag = ReadVarint();
        var type = (int)(tag & 7);
        var number = tag >> 3;
        if (number is 0 or > 536_870_911)
        {
            throw Error(start, $"invalid field number {number}");
        }

        if (type > 5)
        {
            throw Error(start, $"invalid wire type {type}");
        }

        fieldNumber = (int)number;
        wireType = (WireType)type;
        return true;
    }

    public ulong ReadVarint()
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw Error(start, "truncated varint");
            }

            var b = _buffer[_position++];
            // The tenth byte may only carry the top bit of a 64-bit value.
            if (shift == 63 && b > 1)
            {
                throw Error(start, "varint longer than 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error(start, "varint longer than 10 bytes");
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8, "fixed64");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public uint ReadFixed32()
    {
        var bytes = Take(4, "fixed32");
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var start = _position;
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Error(start, $"length {length} runs past the end of the message ({_buffer.Length - _position} bytes left)");
        }

        return Take((int)length, "bytes");
    }

    public string ReadString()
    {
        var start = _position;
        var bytes = ReadLengthDelimited();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error(start, "string is not valid UTF-8");
        }
    }

    /// <summary>Skips the value of a field this reader's caller does not know (forward compatibility).</summary>
    public void SkipField(int fieldNumber, WireType wireType) => SkipField(fieldNumber, wireType, depth: 0);

    private void SkipField(int fieldNumber, WireType wireType, int depth)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8, "fixed64");
                break;
            case WireType.Fixed32:
                Take(4, "fixed32");
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.StartGroup:
                if (depth >= MaxGroupDepth)
                {
                    throw Error(_position, "groups nested too deeply");
                }

                while (true)
                {
                    if (!TryReadTag(out var innerNumber, out var innerType))
                    {
                        throw Error(_position, $"group {fieldNumber} is not closed");
                    }

                    if (innerType == WireType.EndGroup)
                    {
                        if (innerNumber != fieldNumber)
                        {
                            throw Error(_position, $"group {fieldNumber} closed as {innerNumber}");
                        }

                        return;
                    }

                    SkipField(innerNumber, innerType, depth + 1);
                }

            case WireType.EndGroup:
                throw Error(_position, $"unexpected end of group {fieldNumber}");
            default:
                throw Error(_position, $"invalid wire type {(int)wireType}");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > _buffer.Length - _position)
        {
            throw Error(_position, $"truncated {what}: {count} bytes needed, {_buffer.Length - _position} left");
        }

        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static OtlpFormatException Error(int position, string message) => new($"{message} (at byte {position})");
}
