using System.Diagnostics;
using System.Text;
using OrleansDist.Dashboard.Otlp;
using static OrleansDist.Dashboard.Tests.OtlpRequestBuilder;

namespace OrleansDist.Dashboard.Tests;

/// <summary>
/// Hostile input for both decoders: whatever the bytes, decoding returns spans or throws <see cref="OtlpFormatException"/>
/// (which the receiver turns into a 400), never anything else, and always quickly.
/// </summary>
public sealed class OtlpDecoderFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>A request using every construct the decoder reads, plus unknown fields and a group.</summary>
    private static byte[] RichRequest() => new ProtobufWriter()
        .MessageField(1, rs => ResourceSpans(rs, "fuzz-svc",
            Span(TraceId(1), SpanId(1), null, "root", extra: s =>
            {
                Attribute(s, "s", v => v.StringField(1, "text"));
                Attribute(s, "a", v => v.MessageField(5, a => a.MessageField(1, x => x.VarintField(3, 9)).MessageField(1, x => x.Fixed64Field(4, 1))));
                Attribute(s, "m", v => v.MessageField(6, m => m.MessageField(1, kv => KeyValue(kv, "k", x => x.VarintField(2, 1)))));
                s.MessageField(11, e => e.Fixed64Field(1, 5).StringField(2, "ev"));
                s.MessageField(15, st => st.StringField(2, "msg").VarintField(3, 2));
                s.Tag(99, WireType.StartGroup).VarintField(1, 1).Tag(99, WireType.EndGroup);
            }),
            Span(TraceId(1), SpanId(2), SpanId(1), "child", extra: s => Attribute(s, "b", v => v.BytesField(7, [1, 2])))))
        .ToArray();

    private static void Decode(byte[] body)
    {
        try
        {
            OtlpProtobufTraceDecoder.Decode(body);
        }
        catch (OtlpFormatException)
        {
        }
    }

    [Fact]
    public void EveryTruncationIsHandled()
    {
        var body = RichRequest();
        var rejected = 0;
        for (var length = 0; length < body.Length; length++)
        {
            try
            {
                OtlpProtobufTraceDecoder.Decode(body.AsSpan(0, length));
            }
            catch (OtlpFormatException)
            {
                rejected++;
            }
        }

        // Cutting inside the only top-level message always breaks it; only the empty prefix is a valid (empty) request.
        Assert.Equal(body.Length - 1, rejected);
    }

    [Fact]
    public void EverySingleBitFlipIsHandled()
    {
        var body = RichRequest();
        var stopwatch = Stopwatch.StartNew();
        for (var bit = 0; bit < body.Length * 8; bit++)
        {
            var mutated = (byte[])body.Clone();
            mutated[bit / 8] ^= (byte)(1 << (bit % 8));
            Decode(mutated);
        }

        Assert.True(stopwatch.Elapsed < Budget, $"bit flips took {stopwatch.Elapsed}");
    }

    [Fact]
    public void RandomMutationsAndRandomBytesAreHandled()
    {
        var random = new Random(20261122);
        var body = RichRequest();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 30_000; i++)
        {
            byte[] input;
            switch (i % 3)
            {
                case 0:
                    input = new byte[random.Next(0, 256)];
                    random.NextBytes(input);
                    break;
                case 1:
                    input = (byte[])body.Clone();
                    for (var k = random.Next(1, 6); k > 0; k--)
                    {
                        input[random.Next(input.Length)] = (byte)random.Next(256);
                    }

                    break;
                default:
                    // Splice: a random slice of a valid request inserted somewhere else, duplicating fields and lengths.
                    var start = random.Next(body.Length);
                    var slice = body.AsSpan(start, random.Next(body.Length - start));
                    var at = random.Next(body.Length);
                    input = [.. body.AsSpan(0, at), .. slice, .. body.AsSpan(at)];
                    break;
            }

            Decode(input);
        }

        Assert.True(stopwatch.Elapsed < Budget, $"random inputs took {stopwatch.Elapsed}");
    }

    [Fact]
    public void HugeDeclaredLengthsAndDeepMessagesFailFast()
    {
        // A length prefix claiming gigabytes, and nested length-delimited fields 10 000 deep (never recursed into:
        // unknown fields are skipped without being parsed).
        Assert.Throws<OtlpFormatException>(() => OtlpProtobufTraceDecoder.Decode([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]));
        var nested = Array.Empty<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            nested = new ProtobufWriter().BytesField(3, nested).ToArray();
        }

        var stopwatch = Stopwatch.StartNew();
        Assert.Empty(OtlpProtobufTraceDecoder.Decode(nested));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void JsonMutationsAreHandled()
    {
        var random = new Random(7);
        var valid = Encoding.UTF8.GetBytes(OtlpJsonDecoderTests.ValidRequest);
        var alphabet = Encoding.ASCII.GetBytes("{}[]\":,0123456789-eE.truefalsnl \\x");
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            var input = (byte[])valid.Clone();
            if (i % 2 == 0)
            {
                input = input[..random.Next(input.Length)];
            }

            for (var k = random.Next(0, 4); k > 0 && input.Length > 0; k--)
            {
                input[random.Next(input.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                OtlpJsonTraceDecoder.Decode(input);
            }
            catch (OtlpFormatException)
            {
            }
        }

        Assert.True(stopwatch.Elapsed < Budget, $"JSON mutations took {stopwatch.Elapsed}");
    }
}
