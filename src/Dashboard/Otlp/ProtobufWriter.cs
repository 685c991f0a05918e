using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OrleansDist.Dashboard.Otlp;

/// <summary>
/// Minimal Protocol Buffers encoder: enough for the receiver's responses (<c>ExportTraceServiceResponse</c>,
/// <c>google.rpc.Status</c>) and for tests that craft requests field by field.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public ProtobufWriter Tag(int fieldNumber, WireType wireType) => Varint(((ulong)fieldNumber << 3) | (uint)wireType);

    public ProtobufWriter Varint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
        return this;
    }

    public ProtobufWriter Fixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public ProtobufWriter Fixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public ProtobufWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public ProtobufWriter VarintField(int fieldNumber, ulong value) => Tag(fieldNumber, WireType.Varint).Varint(value);

    public ProtobufWriter Fixed64Field(int fieldNumber, ulong value) => Tag(fieldNumber, WireType.Fixed64).Fixed64(value);

    public ProtobufWriter Fixed32Field(int fieldNumber, uint value) => Tag(fieldNumber, WireType.Fixed32).Fixed32(value);

    public ProtobufWriter BytesField(int fieldNumber, ReadOnlySpan<byte> bytes) =>
        Tag(fieldNumber, WireType.LengthDelimited).Varint((ulong)bytes.Length).Raw(bytes);

    public ProtobufWriter StringField(int fieldNumber, string value) => BytesField(fieldNumber, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes an embedded message: <paramref name="build"/> fills a fresh writer whose bytes become the field.</summary>
    public ProtobufWriter MessageField(int fieldNumber, Action<ProtobufWriter> build)
    {
        var inner = new ProtobufWriter();
        build(inner);
        return BytesField(fieldNumber, inner.WrittenSpan);
    }
}
