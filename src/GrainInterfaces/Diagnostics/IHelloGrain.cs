namespace Dist.GrainInterfaces.Diagnostics;

/// <summary>A stateless greeting that names the silo it ran on: the first call to try against a new cluster.</summary>
[Alias("OrleansDist.IHelloGrain")]
public interface IHelloGrain : IGrainWithStringKey
{
    [Alias("SayHello")]
    Task<string> SayHello(string from);
}
