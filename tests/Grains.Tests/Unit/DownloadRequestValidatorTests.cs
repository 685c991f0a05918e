using Dist.GrainInterfaces.LineDownload;
using OrleansDist.Grains.LineDownload;

namespace OrleansDist.Grains.Tests.Unit;

public sealed class DownloadRequestValidatorTests
{
    private const string Pacing = "pacing settings out of range (pipeline depth 1-256, flush lines ≥ 1, flush interval 1-60000 ms, max line 16 B-16 MiB, stall timeout ≥ 500 ms, unreachable timeout ≥ 1 s)";

    private static readonly DownloadRequest Valid = new() { Server = "127.0.0.1:9000", Entry = "aseth@col334-672" };

    [Fact]
    public void DefaultRequest_IsValid() => Assert.Null(DownloadRequestValidator.Validate(Valid));

    [Theory]
    [InlineData("localhost:1")]
    [InlineData("10.184.42.12:65535")]
    [InlineData("[::1]:9000")]
    [InlineData("::1:9000")]
    [InlineData("vayu.iitd.ac.in:9801")]
    public void GoodServers_AreValid(string server) => Assert.Null(DownloadRequestValidator.Validate(Valid with { Server = server }));

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData(":9000")]
    [InlineData("localhost:")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:-1")]
    [InlineData("localhost:+80")]
    [InlineData("localhost: 80")]
    [InlineData("localhost:http")]
    public void BadServer_IsNamed(string server)
    {
        Assert.Equal($"line server '{server}' is not host:port", DownloadRequestValidator.Validate(Valid with { Server = server }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("noteam")]
    [InlineData("a\tb@team")]
    [InlineData("a@team\n")]
    [InlineData("a@te\0am")]
    public void BadEntry_IsNamed(string entry)
    {
        Assert.Equal(
            $"entry '{entry}' must look like entryID@team (no spaces or control characters)",
            DownloadRequestValidator.Validate(Valid with { Entry = entry }));
    }

    /// <summary>The validator's own message says an entry has no spaces; one with a space must be refused the same way.</summary>
    [Fact]
    public void EntryWithASpace_IsRefused_AsItsMessageSays()
    {
        const string entry = "a b@team";
        Assert.Equal(
            $"entry '{entry}' must look like entryID@team (no spaces or control characters)",
            DownloadRequestValidator.Validate(Valid with { Entry = entry }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(246)]
    public void FetchersOutOfRange_IsNamed(int fetchers)
    {
        Assert.Equal($"fetchers must be between 1 and 245 (got {fetchers})", DownloadRequestValidator.Validate(Valid with { Fetchers = fetchers }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(245)]
    public void FetchersAtTheLimits_AreValid(int fetchers) => Assert.Null(DownloadRequestValidator.Validate(Valid with { Fetchers = fetchers }));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1_000_001)]
    public void LinesOutOfRange_IsNamed(int lines)
    {
        Assert.Equal($"lines must be between 1 and 1000000 (got {lines})", DownloadRequestValidator.Validate(Valid with { ExpectedLines = lines }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void LinesAtTheLimits_AreValid(int lines) => Assert.Null(DownloadRequestValidator.Validate(Valid with { ExpectedLines = lines }));

    [Fact]
    public void BadSourceAddress_IsNamed()
    {
        Assert.Equal(
            "source address 'host-a' is not an IP address",
            DownloadRequestValidator.Validate(Valid with { Fetchers = 2, SourceAddresses = ["10.0.0.1", "host-a"] }));
    }

    [Fact]
    public void FewerSourceAddressesThanFetchers_IsNamed()
    {
        Assert.Equal(
            "3 fetchers need 3 source addresses (one session each), got 2",
            DownloadRequestValidator.Validate(Valid with { Fetchers = 3, SourceAddresses = ["10.0.0.1", "10.0.0.2"] }));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EnoughSourceAddresses_AreValid(int count)
    {
        var addresses = Enumerable.Range(1, count).Select(i => $"10.0.0.{i}").ToArray();
        Assert.Null(DownloadRequestValidator.Validate(Valid with { Fetchers = 2, SourceAddresses = addresses }));
    }

    public static TheoryData<string, DownloadRequest> BadPacing => new()
    {
        { "depth 0", Valid with { PipelineDepth = 0 } },
        { "depth 257", Valid with { PipelineDepth = 257 } },
        { "flush lines 0", Valid with { FlushLines = 0 } },
        { "flush interval 0", Valid with { FlushIntervalMs = 0 } },
        { "flush interval 60001", Valid with { FlushIntervalMs = 60_001 } },
        { "max line 15", Valid with { MaxLineLength = 15 } },
        { "max line 16 MiB + 1", Valid with { MaxLineLength = (16 * 1024 * 1024) + 1 } },
        { "stall 499", Valid with { FetcherStallTimeoutMs = 499 } },
        { "unreachable 999", Valid with { ServerUnreachableTimeoutMs = 999 } },
    };

    [Theory]
    [MemberData(nameof(BadPacing))]
    public void PacingOutOfRange_IsNamed(string what, DownloadRequest request)
    {
        Assert.NotNull(what);
        Assert.Equal(Pacing, DownloadRequestValidator.Validate(request));
    }

    [Fact]
    public void PacingAtTheLimits_IsValid()
    {
        Assert.Null(DownloadRequestValidator.Validate(Valid with
        {
            PipelineDepth = 1, FlushLines = 1, FlushIntervalMs = 1, MaxLineLength = 16, FetcherStallTimeoutMs = 500, ServerUnreachableTimeoutMs = 1000,
        }));
        Assert.Null(DownloadRequestValidator.Validate(Valid with { PipelineDepth = 256, FlushIntervalMs = 60_000, MaxLineLength = 16 * 1024 * 1024 }));
    }

    [Fact]
    public void TheFirstProblem_IsReported()
    {
        var everythingWrong = Valid with { Server = "nope", Entry = "", Fetchers = 0, ExpectedLines = 0, PipelineDepth = 0 };

        Assert.Equal("line server 'nope' is not host:port", DownloadRequestValidator.Validate(everythingWrong));
        Assert.StartsWith("entry ", DownloadRequestValidator.Validate(everythingWrong with { Server = "h:1" }));
        Assert.StartsWith("fetchers ", DownloadRequestValidator.Validate(everythingWrong with { Server = "h:1", Entry = "e@t" }));
        Assert.StartsWith("lines ", DownloadRequestValidator.Validate(everythingWrong with { Server = "h:1", Entry = "e@t", Fetchers = 1 }));
        Assert.Equal(Pacing, DownloadRequestValidator.Validate(everythingWrong with { Server = "h:1", Entry = "e@t", Fetchers = 1, ExpectedLines = 1 }));
    }
}
