namespace OrleansDist.GrainInterfaces.Diagnostics;

/// <summary>A stateless greeting that names the silo it ran on: the first call to try against a new cluster.</summary>
public interface IHelloGrain : IGrainWithStringKey
{
    Task<string> SayHello(string from);
}
