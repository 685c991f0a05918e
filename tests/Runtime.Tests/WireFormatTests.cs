using System.Buffers;
using System.Net;
using OrleansDist.Runtime.Directory;
using OrleansDist.Runtime.Membership;
using OrleansDist.Runtime.Messaging;

namespace OrleansDist.Tests;

/// <summary>The pure pieces under the transport and the directory, exercised directly.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void MessageRoundTripsThroughTheCodec()
    {
        var message = new Message
        {
            Direction = MessageDirection.Request,
            Flags = MessageFlags.AlwaysInterleave | MessageFlags.NewPlacement,
            Id = 0x1234_5678_9ABC,
            ForwardCount = 2,
            Target = GrainId.Create("My.IGrain", "clé-ü"),
            InterfaceName = "My.IGrain",
            MethodKey = "Do`2",
            SendingSilo = new SiloAddress(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 11111), 42),
            SendingClient = "client-1",
            TargetSilo = new SiloAddress(new IPEndPoint(IPAddress.Loopback, 1), 0),
            PlacementSiloName = "machine-b",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Body = new byte[] { 1, 2, 3, 250 },
        };
        var buffer = new ArrayBufferWriter<byte>();
        MessageCodec.Write(buffer, message);

        var frame = buffer.WrittenSpan;
        Assert.True(MessageCodec.TryReadLength(new ReadOnlySequence<byte>(buffer.WrittenMemory), out var length));
        Assert.Equal(frame.Length - 4, length);
        var decoded = MessageCodec.Read(frame[4..]);

        Assert.Equal(message.Direction, decoded.Direction);
        Assert.Equal(message.Flags, decoded.Flags);
        Assert.Equal(message.Id, decoded.Id);
        Assert.Equal(message.ForwardCount, decoded.ForwardCount);
        Assert.Equal(message.Target, decoded.Target);
        Assert.Equal(message.MethodKey, decoded.MethodKey);
        Assert.Equal(message.SendingSilo, decoded.SendingSilo);
        Assert.Equal(message.SendingClient, decoded.SendingClient);
        Assert.Equal(message.TargetSilo, decoded.TargetSilo);
        Assert.Equal(message.PlacementSiloName, decoded.PlacementSiloName);
        Assert.Equal(message.TraceParent, decoded.TraceParent);
        Assert.Null(decoded.TraceState);
        Assert.Equal(message.Body.ToArray(), decoded.Body.ToArray());
    }

    [Fact]
    public void EveryTruncationOfAFrameIsRejectedAsInvalidData()
    {
        var buffer = new ArrayBufferWriter<byte>();
        MessageCodec.Write(buffer, new Message { Direction = MessageDirection.Response, Id = 7, Body = new byte[] { 9, 9 } });
        var body = buffer.WrittenSpan[4..].ToArray();
        for (var cut = 0; cut < body.Length; cut++)
        {
            Assert.Throws<InvalidDataException>(() => MessageCodec.Read(body.AsSpan(0, cut)));
        }
    }

    [Fact]
    public void RandomBytesNeverThrowAnythingButInvalidData()
    {
        var random = new Random(42);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)random.Next(0, 4);
            }

            try
            {
                MessageCodec.Read(bytes);
            }
            catch (InvalidDataException)
            {
            }

            try
            {
                Handshake.Decode(bytes);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void HandshakeRoundTrips()
    {
        var handshake = new Handshake(ConnectionRole.Client, "prod", "abc123", "client");
        var encoded = handshake.Encode();
        Assert.Equal(handshake, Handshake.Decode(encoded.AsSpan(4)));
    }

    [Fact]
    public void SiloAddressParsesItsTextForm()
    {
        var address = new SiloAddress(new IPEndPoint(IPAddress.Parse("192.168.1.20"), 11111), 123456);
        Assert.Equal(address, SiloAddress.Parse(address.ToString()));
        Assert.False(SiloAddress.TryParse("not-an-address", out _));
        Assert.False(SiloAddress.TryParse("1.2.3.4:5", out _));
    }

    [Fact]
    public void RingSpreadsGrainsAndMovesOnlyTheDeadSilosShare()
    {
        var silos = Enumerable.Range(0, 3).Select(i => new SiloAddress(new IPEndPoint(IPAddress.Loopback, 11111 + i), 1)).ToList();
        var full = new ConsistentRing(silos);
        var reduced = new ConsistentRing(silos.Take(2));
        var ids = Enumerable.Range(0, 3000).Select(i => GrainId.Create("T", i)).ToList();

        var counts = ids.GroupBy(full.GetOwner).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 600, 1400));

        foreach (var id in ids)
        {
            var before = full.GetOwner(id)!;
            if (!before.Equals(silos[2]))
            {
                Assert.Equal(before, reduced.GetOwner(id)); // survivors keep their entries
            }
        }

        Assert.Null(new ConsistentRing([]).GetOwner(ids[0]));
    }

    [Fact]
    public void StableHashIsTheSameInEveryProcess()
    {
        // pinned values: a change here would move every grain's directory entry and hash-based placement
        Assert.Equal(StableHash.Compute("OrleansDist"), StableHash.Compute("OrleansDist"));
        Assert.Equal(0x811C9DC5u ^ 0u, StableHash.Compute("") ^ 0u);
        Assert.NotEqual(GrainId.Create("a", "bc").GetStableHash(), GrainId.Create("ab", "c").GetStableHash());
    }
}
