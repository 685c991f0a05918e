using System.Buffers.Binary;
using System.Text;

namespace OrleansDist.Runtime.Messaging;

internal enum ConnectionRole : byte
{
    Silo = 1,
    Client = 2,

    /// <summary>Sent by the accepting side instead of its own handshake when it refuses the connection.</summary>
    Refused = 0xFF,
}

/// <summary>
/// The first frame each way on a connection: magic, protocol version, role, ClusterId, identity
/// (silo address or client id) and a display name. A mismatch is refused with a reason and the connection closed.
/// </summary>
internal sealed record Handshake(ConnectionRole Role, string ClusterId, string Identity, string Name)
{
    public const ushort ProtocolVersion = 1;
    public const int MaxSize = 4096;
    private static ReadOnlySpan<byte> Magic => "ODST"u8;

    public ushort Version { get; init; } = ProtocolVersion;

    public static Handshake Refusal(string reason) => new(ConnectionRole.Refused, "", "", reason);

    public byte[] Encode()
    {
        var strings = new[] { ClusterId, Identity, Name };
        var size = 4 + 2 + 1 + strings.Sum(s => 2 + Encoding.UTF8.GetByteCount(s));
        var frame = new byte[4 + size];
        BinaryPrimitives.WriteInt32LittleEndian(frame, size);
        Magic.CopyTo(frame.AsSpan(4));
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(8), Version);
        frame[10] = (byte)Role;
        var pos = 11;
        foreach (var s in strings)
        {
            var count = Encoding.UTF8.GetBytes(s, frame.AsSpan(pos + 2));
            BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(pos), (ushort)count);
            pos += 2 + count;
        }

        return frame;
    }

    /// <summary>Decodes a handshake frame body (after its length). Throws <see cref="InvalidDataException"/> with a readable reason.</summary>
    public static Handshake Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < 7 || !body[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an OrleansDist connection (bad handshake magic)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(body[4..]);
        var role = (ConnectionRole)body[6];
        if (role is not (ConnectionRole.Silo or ConnectionRole.Client or ConnectionRole.Refused))
        {
            throw new InvalidDataException($"unknown connection role {(byte)role}");
        }

        var pos = 7;
        var strings = new string[3];
        for (var i = 0; i < strings.Length; i++)
        {
            if (pos + 2 > body.Length)
            {
                throw new InvalidDataException("handshake truncated");
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(body[pos..]);
            pos += 2;
            if (pos + length > body.Length)
            {
                throw new InvalidDataException("handshake truncated");
            }

            strings[i] = Encoding.UTF8.GetString(body.Slice(pos, length));
            pos += length;
        }

        return new Handshake(role, strings[0], strings[1], strings[2]) { Version = version };
    }
}
