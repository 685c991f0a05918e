namespace OrleansDist.AdoNet.Hosting;

/// <summary>A database whose schema a silo installs before it starts (one registration per provider that uses it).</summary>
internal sealed record SchemaTarget(AdoNetConnection Connection);
