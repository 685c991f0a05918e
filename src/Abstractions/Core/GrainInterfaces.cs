namespace OrleansDist;

/// <summary>Anything that can be addressed by the runtime: grains and observers.</summary>
public interface IAddressable;

/// <summary>Marker for grain interfaces.</summary>
public interface IGrain : IAddressable;

public interface IGrainWithStringKey : IGrain;

public interface IGrainWithIntegerKey : IGrain;

public interface IGrainWithGuidKey : IGrain;

/// <summary>
/// An object living in a client (or silo) process that grains can call back, e.g. to report progress.
/// Observer methods should return <see cref="Task"/> or be marked <see cref="OneWayAttribute"/>.
/// </summary>
public interface IGrainObserver : IAddressable;
